#!/usr/bin/env bash
# Submit a sweep to Kubernetes (nvidia.com/gpu via the device plugin).
# Usage: SPARK_HOME=... APP_JAR=local:///opt/v2drop/app.jar SWEEP=... K8S_MASTER=k8s://https://api:6443 \
#        IMAGE=registry/v2drop:0.1.0 cluster-configs/k8s/submit.sh [--force]
set -euo pipefail
: "${SPARK_HOME:?set SPARK_HOME}" "${K8S_MASTER:?set K8S_MASTER}" "${IMAGE:?set IMAGE (Spark + app jar + CUDA)}"
: "${SWEEP:?set SWEEP (a path inside the image or on s3a://)}" "${APP_JAR:?set APP_JAR (local:// path in the image)}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$SPARK_HOME/bin/spark-submit" --master "$K8S_MASTER" --deploy-mode cluster \
  --properties-file "$HERE/spark-defaults.conf" \
  --conf spark.kubernetes.container.image="$IMAGE" \
  --conf spark.executor.instances="${EXECUTORS:-8}" \
  --conf spark.kubernetes.executor.limit.gpu.amount=1 \
  --conf spark.executor.resource.gpu.vendor=nvidia.com \
  --conf spark.kubernetes.namespace="${NAMESPACE:-v2drop}" \
  --class org.v2drop.jobs.eval.EvalMain "$APP_JAR" --sweep "$SWEEP" "$@"
