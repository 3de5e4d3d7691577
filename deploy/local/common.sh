# Shared settings and helpers of the local cluster scripts; sourced, not run.
#
# Settings come from the environment, with these defaults:
#   CJ_LOCAL_DIR           deploy/local/work   config, logs, pid file, checkpoints, savepoints
#   CJ_REST_PORT           8081                Flink REST API and web UI
#   CJ_RPC_PORT            6123                JobManager RPC
#   CJ_JM_MEMORY           1024m               JobManager process size
#   CJ_TM_MEMORY           1536m               TaskManager process size
#   CJ_TASK_SLOTS          2                   slots per TaskManager
#   CJ_KAFKA_PORT          9092                Kafka broker listener
#   CJ_KAFKA_CONTROLLER_PORT 9093              Kafka KRaft controller listener
#   CJ_START_TIMEOUT       90                  seconds to wait for a process to come up
# Every process binds to 127.0.0.1 only.

set -euo pipefail

CJ_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CJ_ROOT="$(cd "$CJ_SCRIPT_DIR/../.." && pwd)"
CJ_LIB_DIR="$CJ_SCRIPT_DIR/target/lib"
CJ_JOB_JAR="$CJ_ROOT/jobs/target/cart-journeys.jar"
CJ_ENTRY_CLASS="io.cartjourneys.cli.CartJourneysCli"

CJ_LOCAL_DIR="${CJ_LOCAL_DIR:-$CJ_SCRIPT_DIR/work}"
mkdir -p "$CJ_LOCAL_DIR"
CJ_LOCAL_DIR="$(cd "$CJ_LOCAL_DIR" && pwd)"
CJ_REST_PORT="${CJ_REST_PORT:-8081}"
CJ_RPC_PORT="${CJ_RPC_PORT:-6123}"
CJ_JM_MEMORY="${CJ_JM_MEMORY:-1024m}"
CJ_TM_MEMORY="${CJ_TM_MEMORY:-1536m}"
CJ_TASK_SLOTS="${CJ_TASK_SLOTS:-2}"
CJ_KAFKA_PORT="${CJ_KAFKA_PORT:-9092}"
CJ_KAFKA_CONTROLLER_PORT="${CJ_KAFKA_CONTROLLER_PORT:-9093}"
CJ_START_TIMEOUT="${CJ_START_TIMEOUT:-90}"

CJ_REST_URL="http://127.0.0.1:$CJ_REST_PORT"
CJ_CONF_DIR="$CJ_LOCAL_DIR/conf"
CJ_LOG_DIR="$CJ_LOCAL_DIR/log"
CJ_PID_FILE="$CJ_LOCAL_DIR/pids"

# Flink reflects into these JDK packages; on Java 17 they must be opened
# explicitly, or running a submitted job fails with InaccessibleObjectException.
CJ_JAVA17_OPTS=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.math=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
)

cj_log() {
  echo "$(basename "$0"): $*" >&2
}

cj_die() {
  cj_log "error: $*"
  exit 1
}

cj_require() {
  local cmd
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 || cj_die "'$cmd' is required but not installed"
  done
}

# Resolves the cluster's jars from Maven Central into target/lib on first use.
cj_ensure_lib() {
  if ! ls "$CJ_LIB_DIR"/flink-runtime-web-*.jar >/dev/null 2>&1; then
    cj_log "resolving the Flink cluster jars into $CJ_LIB_DIR (first run)"
    (cd "$CJ_ROOT" && ./mvnw -q -B -f deploy/local/pom.xml package) >&2
  fi
}

# Builds the job jar when it is missing; rebuild it yourself after changing code.
cj_ensure_job_jar() {
  if [ ! -f "$CJ_JOB_JAR" ]; then
    cj_log "building $CJ_JOB_JAR (first run, a few minutes)"
    (cd "$CJ_ROOT" && ./mvnw -q -B -DskipTests -pl jobs -am package) >&2
  fi
}

# Copies a template, replacing each @NAME@ with the value of the named setting.
cj_render() {
  local template="$1" target="$2"
  sed -e "s|@LOCAL_DIR@|$CJ_LOCAL_DIR|g" \
      -e "s|@REST_PORT@|$CJ_REST_PORT|g" \
      -e "s|@RPC_PORT@|$CJ_RPC_PORT|g" \
      -e "s|@JM_MEMORY@|$CJ_JM_MEMORY|g" \
      -e "s|@TM_MEMORY@|$CJ_TM_MEMORY|g" \
      -e "s|@TASK_SLOTS@|$CJ_TASK_SLOTS|g" \
      -e "s|@KAFKA_PORT@|$CJ_KAFKA_PORT|g" \
      -e "s|@CONTROLLER_PORT@|$CJ_KAFKA_CONTROLLER_PORT|g" \
      "$template" > "$target"
}

# Appends "ROLE PID" to the pid file.
cj_record_pid() {
  mkdir -p "$CJ_LOCAL_DIR"
  echo "$1 $2" >> "$CJ_PID_FILE"
}

# Prints the pids recorded for a role, one a line.
cj_pids() {
  [ -f "$CJ_PID_FILE" ] || return 0
  awk -v role="$1" '$1 == role { print $2 }' "$CJ_PID_FILE"
}

cj_forget_pid() {
  [ -f "$CJ_PID_FILE" ] || return 0
  awk -v pid="$1" '$2 != pid' "$CJ_PID_FILE" > "$CJ_PID_FILE.tmp"
  mv "$CJ_PID_FILE.tmp" "$CJ_PID_FILE"
}

# True when the pid is alive and is still a JVM started for this directory, so
# that a pid reused by an unrelated process is never signalled.
cj_is_ours() {
  local pid="$1"
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$CJ_LOCAL_DIR"
}

# Stops one recorded process: SIGTERM, then SIGKILL after the grace period.
cj_stop_pid() {
  local pid="$1" grace="${2:-30}" i
  if cj_is_ours "$pid"; then
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 5; i++)); do
      cj_is_ours "$pid" || break
      sleep 0.2
    done
    if cj_is_ours "$pid"; then
      cj_log "pid $pid did not stop within ${grace}s; killing it"
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  cj_forget_pid "$pid"
}

# Runs "$@" every half second until it succeeds; fails after TIMEOUT seconds.
cj_wait_for() {
  local what="$1" timeout="$2" deadline
  shift 2
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      cj_die "timed out after ${timeout}s waiting for $what"
    fi
    sleep 0.5
  done
}

cj_rest_up() {
  curl -sf --max-time 2 "$CJ_REST_URL/config" >/dev/null
}

# GET or POST against the REST API; prints the body, fails with the body on an
# HTTP error.
cj_get() {
  curl -sS --max-time 30 --fail-with-body "$CJ_REST_URL$1"
}

cj_post_json() {
  curl -sS --max-time 60 --fail-with-body -X POST -H 'Content-Type: application/json' \
    -d "$2" "$CJ_REST_URL$1"
}

# Polls an asynchronous savepoint or stop operation until it completes and
# prints the savepoint location.
cj_await_savepoint() {
  local job="$1" trigger="$2" timeout="${3:-300}" deadline body status
  deadline=$((SECONDS + timeout))
  while true; do
    body="$(cj_get "/jobs/$job/savepoints/$trigger")"
    status="$(jq -r '.status.id' <<< "$body")"
    if [ "$status" = "COMPLETED" ]; then
      if jq -e '.operation.location' <<< "$body" >/dev/null; then
        jq -r '.operation.location' <<< "$body"
        return 0
      fi
      cj_die "savepoint of job $job failed: $(jq -r '.operation."failure-cause".class // "?"' <<< "$body"): $(jq -r '.operation."failure-cause"."stack-trace" // ""' <<< "$body" | head -n 3)"
    fi
    if ((SECONDS >= deadline)); then
      cj_die "timed out after ${timeout}s waiting for the savepoint of job $job"
    fi
    sleep 1
  done
}

# Starts a Flink process in the background with the memory settings that Flink's
# own scripts would compute from config.yaml, and records its pid.
#   cj_start_flink ROLE MAIN_CLASS RESOURCE_COMMAND [EXTRA_ARGS...]
cj_start_flink() {
  local role="$1" main="$2" resource_command="$3"
  shift 3
  local params jvm_mem dynamic log_name pid
  params="$(java -cp "$CJ_LIB_DIR/*" org.apache.flink.runtime.util.bash.BashJavaUtils \
    "$resource_command" --configDir "$CJ_CONF_DIR" 2>&1 | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' || true)"
  [ "$(wc -l <<< "$params")" -ge 2 ] || \
    cj_die "could not compute $role memory settings from $CJ_CONF_DIR/config.yaml"
  jvm_mem="$(sed -n 1p <<< "$params" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')"
  dynamic="$(sed -n 2p <<< "$params" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')"
  log_name="$role-$(date +%Y%m%d-%H%M%S)-$$"
  mkdir -p "$CJ_LOG_DIR"
  # shellcheck disable=SC2086 # the memory flags and -D pairs are meant to split
  nohup java $jvm_mem "${CJ_JAVA17_OPTS[@]}" \
    -Dcj.local.dir="$CJ_LOCAL_DIR" \
    -Dlog.file="$CJ_LOG_DIR/$log_name.log" \
    -Dlog4j.configurationFile="file:$CJ_SCRIPT_DIR/conf/log4j2.properties" \
    -classpath "$CJ_LIB_DIR/*" \
    "$main" --configDir "$CJ_CONF_DIR" $dynamic "$@" \
    > "$CJ_LOG_DIR/$log_name.out" 2>&1 < /dev/null &
  pid=$!
  cj_record_pid "$role" "$pid"
  cj_log "started $role, pid $pid, log $CJ_LOG_DIR/$log_name.log"
  echo "$pid"
}

# Counts the TaskManagers registered with the JobManager under the given id.
cj_taskmanager_registered() {
  cj_get /taskmanagers | jq -e --arg id "$1" '[.taskmanagers[] | select(.id == $id)] | length == 1'
}

# Starts one TaskManager and waits until it has registered.
cj_start_taskmanager() {
  local id pid
  id="tm-$(date +%s%N | cut -c1-13)"
  pid="$(cj_start_flink taskmanager org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    GET_TM_RESOURCE_PARAMS -D "taskmanager.resource-id=$id")"
  cj_wait_for "TaskManager $id to register" "$CJ_START_TIMEOUT" cj_taskmanager_registered "$id"
  cj_log "TaskManager $id (pid $pid) registered"
  echo "$pid"
}
