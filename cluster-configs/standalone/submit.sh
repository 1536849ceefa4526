#!/usr/bin/env bash
# Submit a sweep to a Spark standalone cluster with GPU workers.
# Workers need spark.worker.resource.gpu.amount and the discovery script (see spark-defaults.conf).
# Usage: SPARK_HOME=... APP_JAR=... SWEEP=... MASTER=spark://host:7077 cluster-configs/standalone/submit.sh [--force]
set -euo pipefail
source "$(dirname "$0")/../common.sh"
: "${MASTER:?set MASTER, e.g. spark://spark-master:7077}"
exec "$SPARK_HOME/bin/spark-submit" --master "$MASTER" --deploy-mode client \
  --properties-file "$HERE/spark-defaults.conf" --class "$MAIN_CLASS" \
  --files "$SWEEP" "$APP_JAR" --sweep "$SWEEP" "$@"
