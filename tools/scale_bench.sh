#!/usr/bin/env bash
# The scale harness of BENCHMARKS.md ("Full-scale sweeps"): a sweep of the lmms-lab tasks at their real sizes x 3 models
# x 10 methods on local-cluster, executors answering with the test-scope engine double (no model runs), measuring the
# pipeline: driver heap, wall time per 100k rows, executor task time per row, Spark jobs.
#
#   tools/scale_bench.sh [--scale 1.0] [--executors 2] [--work target/scale] [--json FILE] [--models 3] [--methods 10]
#   tools/scale_bench.sh --scale 1.0 --prepare-only true     (writes the suite alone; SCALE_DRIVER_HEAP=8g for scale 1)
#
# --scale 1 is about 1.27 M prediction rows; --scale 0.0079 about 10 k. The suite for a scale is written once under
# --work and reused. The driver runs with -Xmx${SCALE_DRIVER_HEAP:-2g}.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJL_OFFLINE=true OPT_OUT_TRACKING=true SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
export SPARK_HOME="$PWD/jobs/target/spark-home" SPARK_SCALA_VERSION=2.13
mvn -B -o -q verify -DskipTests -Dspotless.check.skip=true \
  dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >&2
cp="$PWD/jobs/target/test-classes:$PWD/jobs/target/classes:$(cat jobs/target/test-classpath.txt)"
# the driver needs the same Java 17 flags as Spark's executors (cluster-configs/spark-defaults.conf)
flags=$(sed -n 's/^spark\.executor\.extraJavaOptions *//p' cluster-configs/spark-defaults.conf)
# the harness finds the repository from its working folder, a module (as under Maven)
work_args=()
for a in "$@"; do work_args+=("$(if [[ -e "$a" || "$a" == */* ]]; then realpath -m "$a"; else echo "$a"; fi)"); done
cd jobs
# shellcheck disable=SC2086
exec java -Xmx"${SCALE_DRIVER_HEAP:-2g}" $flags -cp "$cp" org.v2drop.jobs.scale.ScaleRun "${work_args[@]}"
