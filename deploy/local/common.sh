# Shared settings and helpers of the local cluster scripts; sourced, not run.
#
# Settings come from the environment, with these defaults:
#   CART_JOURNEYS_LOCAL_DIR              deploy/local/work  config, logs, pids, checkpoints,
#                                                           savepoints and Kafka data
#   CART_JOURNEYS_REST_PORT              8081   Flink REST API and web UI
#   CART_JOURNEYS_RPC_PORT               6123   JobManager RPC
#   CART_JOURNEYS_JM_MEMORY              1024m  JobManager process size
#   CART_JOURNEYS_TM_MEMORY              1536m  TaskManager process size
#   CART_JOURNEYS_TASK_SLOTS             2      slots per TaskManager
#   CART_JOURNEYS_KAFKA_PORT             9092   Kafka broker listener
#   CART_JOURNEYS_KAFKA_CONTROLLER_PORT  9093   Kafka KRaft controller listener
#   CART_JOURNEYS_START_TIMEOUT          90     seconds to wait for a process to come up
# They do not start with CJ_, because the job reads every CJ_* environment
# variable as a job setting and rejects unknown ones.
# Every process binds to 127.0.0.1 only.

set -euo pipefail

cj_script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cj_root="$(cd "$cj_script_dir/../.." && pwd)"
cj_lib_dir="$cj_script_dir/target/lib"
cj_job_jar="$cj_root/jobs/target/cart-journeys.jar"
cj_entry_class="io.cartjourneys.cli.CartJourneysCli"

CART_JOURNEYS_LOCAL_DIR="${CART_JOURNEYS_LOCAL_DIR:-$cj_script_dir/work}"
mkdir -p "$CART_JOURNEYS_LOCAL_DIR"
CART_JOURNEYS_LOCAL_DIR="$(cd "$CART_JOURNEYS_LOCAL_DIR" && pwd)"
CART_JOURNEYS_REST_PORT="${CART_JOURNEYS_REST_PORT:-8081}"
CART_JOURNEYS_RPC_PORT="${CART_JOURNEYS_RPC_PORT:-6123}"
CART_JOURNEYS_JM_MEMORY="${CART_JOURNEYS_JM_MEMORY:-1024m}"
CART_JOURNEYS_TM_MEMORY="${CART_JOURNEYS_TM_MEMORY:-1536m}"
CART_JOURNEYS_TASK_SLOTS="${CART_JOURNEYS_TASK_SLOTS:-2}"
CART_JOURNEYS_KAFKA_PORT="${CART_JOURNEYS_KAFKA_PORT:-9092}"
CART_JOURNEYS_KAFKA_CONTROLLER_PORT="${CART_JOURNEYS_KAFKA_CONTROLLER_PORT:-9093}"
CART_JOURNEYS_START_TIMEOUT="${CART_JOURNEYS_START_TIMEOUT:-90}"

cj_rest_url="http://127.0.0.1:$CART_JOURNEYS_REST_PORT"
cj_conf_dir="$CART_JOURNEYS_LOCAL_DIR/conf"
cj_log_dir="$CART_JOURNEYS_LOCAL_DIR/log"
cj_pid_file="$CART_JOURNEYS_LOCAL_DIR/pids"

# Flink reflects into these JDK packages; on Java 17 they must be opened
# explicitly, or running a submitted job fails with InaccessibleObjectException.
cj_java17_opts=(
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
  if ! ls "$cj_lib_dir"/flink-runtime-web-*.jar >/dev/null 2>&1; then
    cj_log "resolving the Flink cluster jars into $cj_lib_dir (first run)"
    (cd "$cj_root" && ./mvnw -q -B -f deploy/local/pom.xml package) >&2
  fi
}

# Builds the job jar when it is missing; rebuild it yourself after changing code.
cj_ensure_job_jar() {
  if [ ! -f "$cj_job_jar" ]; then
    cj_log "building $cj_job_jar (first run, a few minutes)"
    (cd "$cj_root" && ./mvnw -q -B -DskipTests -pl jobs -am package) >&2
  fi
}

# Copies a template, replacing each @NAME@ with the value of the named setting.
cj_render() {
  local template="$1" target="$2"
  sed -e "s|@LOCAL_DIR@|$CART_JOURNEYS_LOCAL_DIR|g" \
      -e "s|@REST_PORT@|$CART_JOURNEYS_REST_PORT|g" \
      -e "s|@RPC_PORT@|$CART_JOURNEYS_RPC_PORT|g" \
      -e "s|@JM_MEMORY@|$CART_JOURNEYS_JM_MEMORY|g" \
      -e "s|@TM_MEMORY@|$CART_JOURNEYS_TM_MEMORY|g" \
      -e "s|@TASK_SLOTS@|$CART_JOURNEYS_TASK_SLOTS|g" \
      -e "s|@KAFKA_PORT@|$CART_JOURNEYS_KAFKA_PORT|g" \
      -e "s|@CONTROLLER_PORT@|$CART_JOURNEYS_KAFKA_CONTROLLER_PORT|g" \
      "$template" > "$target"
}

# Appends "ROLE PID" to the pid file.
cj_record_pid() {
  mkdir -p "$CART_JOURNEYS_LOCAL_DIR"
  echo "$1 $2" >> "$cj_pid_file"
}

# Prints the pids recorded for a role, one a line.
cj_pids() {
  [ -f "$cj_pid_file" ] || return 0
  awk -v role="$1" '$1 == role { print $2 }' "$cj_pid_file"
}

cj_forget_pid() {
  [ -f "$cj_pid_file" ] || return 0
  awk -v pid="$1" '$2 != pid' "$cj_pid_file" > "$cj_pid_file.tmp"
  mv "$cj_pid_file.tmp" "$cj_pid_file"
}

# True when the pid is alive and is still a JVM started for this directory, so
# that a pid reused by an unrelated process is never signalled.
cj_is_ours() {
  local pid="$1"
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$CART_JOURNEYS_LOCAL_DIR"
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
  curl -sf --max-time 2 "$cj_rest_url/config" >/dev/null
}

# GET or POST against the REST API; prints the body, fails with the body on an
# HTTP error.
cj_get() {
  curl -sS --max-time 30 --fail-with-body "$cj_rest_url$1"
}

cj_post_json() {
  curl -sS --max-time 60 --fail-with-body -X POST -H 'Content-Type: application/json' \
    -d "$2" "$cj_rest_url$1"
}

# Polls an asynchronous savepoint or stop operation until it completes and
# prints the savepoint location.
cj_await_savepoint() {
  local job="$1" trigger="$2" timeout="${3:-300}" deadline body status cause
  deadline=$((SECONDS + timeout))
  while true; do
    body="$(cj_get "/jobs/$job/savepoints/$trigger")"
    status="$(jq -r '.status.id' <<< "$body")"
    if [ "$status" = "COMPLETED" ]; then
      if jq -e '.operation.location' <<< "$body" >/dev/null; then
        jq -r '.operation.location' <<< "$body"
        return 0
      fi
      cause="$(jq -r '.operation."failure-cause"."stack-trace" // "no cause given"' <<< "$body")"
      cj_die "savepoint of job $job failed: $(head -n 3 <<< "$cause")"
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
  params="$(java -cp "$cj_lib_dir/*" org.apache.flink.runtime.util.bash.BashJavaUtils \
    "$resource_command" --configDir "$cj_conf_dir" 2>&1 \
    | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' || true)"
  [ "$(wc -l <<< "$params")" -ge 2 ] || \
    cj_die "could not compute $role memory settings from $cj_conf_dir/config.yaml"
  jvm_mem="$(sed -n 1p <<< "$params" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')"
  dynamic="$(sed -n 2p <<< "$params" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')"
  log_name="$role-$(date +%Y%m%d-%H%M%S)-$$"
  mkdir -p "$cj_log_dir"
  # shellcheck disable=SC2086 # the memory flags and -D pairs are meant to split
  nohup java $jvm_mem "${cj_java17_opts[@]}" \
    -Dcj.local.dir="$CART_JOURNEYS_LOCAL_DIR" \
    -Dlog.file="$cj_log_dir/$log_name.log" \
    -Dlog4j.configurationFile="file:$cj_root/deploy/log4j2.properties" \
    -classpath "$cj_lib_dir/*" \
    "$main" --configDir "$cj_conf_dir" $dynamic "$@" \
    > "$cj_log_dir/$log_name.out" 2>&1 < /dev/null &
  pid=$!
  cj_record_pid "$role" "$pid"
  cj_log "started $role, pid $pid, log $cj_log_dir/$log_name.log"
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
  cj_wait_for "TaskManager $id to register" "$CART_JOURNEYS_START_TIMEOUT" \
    cj_taskmanager_registered "$id"
  cj_log "TaskManager $id (pid $pid) registered"
  echo "$pid"
}
