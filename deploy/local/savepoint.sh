#!/usr/bin/env bash
# Triggers a savepoint of a running job on the local cluster, waits for it
# and prints its path.
#
#   savepoint.sh [--stop] JOB_ID DIR
#
# With --stop the job stops once the savepoint is complete (stop with
# savepoint): sources stop reading, no further output is written and Kafka
# transactions are committed, so resume.sh can continue from exactly there.
# Savepoints are written in Flink's canonical format, which any state backend
# can restore; set CART_JOURNEYS_SAVEPOINT_FORMAT=NATIVE for the backend's own, faster
# format.
source "$(dirname "$0")/common.sh"
cj_require curl jq

stop=false
if [ "${1:-}" = "--stop" ]; then
  stop=true
  shift
fi
[ $# -eq 2 ] || { echo "usage: $(basename "$0") [--stop] JOB_ID DIR" >&2; exit 2; }
job_id="$1"
dir="$2"
format="${CART_JOURNEYS_SAVEPOINT_FORMAT:-CANONICAL}"

case "$dir" in
  *://*) target="$dir" ;;
  *) mkdir -p "$dir"; target="file://$(cd "$dir" && pwd)" ;;
esac

# A savepoint needs every task running; right after a submission or a restart
# some are still being deployed.
tasks_running() {
  cj_get "/jobs/$job_id" | jq -e \
    '.state == "RUNNING" and all(.vertices[]; .status == "RUNNING" or .status == "FINISHED")'
}
timeout="${CART_JOURNEYS_SAVEPOINT_TIMEOUT:-300}"
cj_wait_for "all tasks of job $job_id to run" "$timeout" tasks_running

if $stop; then
  request="$(jq -n --arg dir "$target" --arg format "$format" \
    '{targetDirectory: $dir, drain: false, formatType: $format}')"
  response="$(cj_post_json "/jobs/$job_id/stop" "$request")" || cj_die "stop failed: $response"
else
  request="$(jq -n --arg dir "$target" --arg format "$format" \
    '{"target-directory": $dir, "cancel-job": false, formatType: $format}')"
  response="$(cj_post_json "/jobs/$job_id/savepoints" "$request")" || \
    cj_die "savepoint failed: $response"
fi
trigger="$(jq -r '."request-id"' <<< "$response")"
location="$(cj_await_savepoint "$job_id" "$trigger" "$timeout")"
cj_log "savepoint of job $job_id complete: $location"
if $stop; then
  # The savepoint completes a moment before the job leaves RUNNING.
  job_ended() { cj_get "/jobs/$job_id" | jq -e '.state | IN("FINISHED", "CANCELED", "FAILED")'; }
  cj_wait_for "job $job_id to end" "$timeout" job_ended
  cj_log "job $job_id stopped: $(cj_get "/jobs/$job_id" | jq -r '.state')"
fi
echo "$location"
