#!/usr/bin/env bash
# Adds or removes TaskManagers of the running local cluster, for scaling and
# failure drills.
#   taskmanager.sh start   starts one more TaskManager and prints its pid
#   taskmanager.sh kill    kills every recorded TaskManager with SIGKILL, as a
#                          machine failure would, and prints the pids
#   taskmanager.sh list    prints the recorded TaskManager pids that are alive
source "$(dirname "$0")/common.sh"
cj_require java curl jq

case "${1:-}" in
  start)
    cj_rest_up || cj_die "no JobManager responds at $cj_rest_url; run start-cluster.sh first"
    cj_start_taskmanager
    ;;
  kill)
    for pid in $(cj_pids taskmanager); do
      if cj_is_ours "$pid"; then
        kill -9 "$pid"
        cj_log "killed TaskManager pid $pid"
        echo "$pid"
      fi
      cj_forget_pid "$pid"
    done
    ;;
  list)
    for pid in $(cj_pids taskmanager); do
      if cj_is_ours "$pid"; then
        echo "$pid"
      fi
    done
    ;;
  *)
    echo "usage: $(basename "$0") start|kill|list" >&2
    exit 2
    ;;
esac
