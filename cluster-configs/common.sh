# Shared checks for the submit scripts: say what is missing instead of failing deep inside spark-submit.
: "${SPARK_HOME:?set SPARK_HOME to a Spark 4.1.x (Scala 2.13) installation}"
: "${APP_JAR:?set APP_JAR to the shaded app jar (mvn -DskipTests package -> jobs/target/v2drop-jobs-*-app.jar; DJL native jar on the executors)}"
: "${SWEEP:?set SWEEP to a sweep YAML file (see cluster-configs/sweeps/)}"
[[ -f "$APP_JAR" ]] || { echo "APP_JAR $APP_JAR does not exist" >&2; exit 1; }
[[ -f "$SWEEP" ]] || { echo "SWEEP $SWEEP does not exist" >&2; exit 1; }
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MAIN_CLASS=org.v2drop.jobs.eval.EvalMain
