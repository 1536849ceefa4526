#!/usr/bin/env bash
# Submit a sweep to YARN (GPU scheduling through yarn.io/gpu resource types).
# Usage: SPARK_HOME=... HADOOP_CONF_DIR=... APP_JAR=... SWEEP=... EXECUTORS=8 cluster-configs/yarn/submit.sh [--force]
set -euo pipefail
source "$(dirname "$0")/../common.sh"
: "${HADOOP_CONF_DIR:?set HADOOP_CONF_DIR to the cluster's Hadoop configuration}"
exec "$SPARK_HOME/bin/spark-submit" --master yarn --deploy-mode cluster \
  --properties-file "$HERE/spark-defaults.conf" --num-executors "${EXECUTORS:-8}" \
  --conf spark.yarn.executor.resource.yarn.io/gpu.amount=1 \
  --class "$MAIN_CLASS" --files "$SWEEP" "$APP_JAR" --sweep "$(basename "$SWEEP")" "$@"
