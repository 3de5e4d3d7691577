#!/usr/bin/env bash
# Stops the TaskManagers and the JobManager that start-cluster.sh and
# taskmanager.sh recorded in $CART_JOURNEYS_LOCAL_DIR/pids, and no other process. Running
# jobs end with the cluster: stop them with a savepoint first (savepoint.sh
# --stop) to resume them later.
source "$(dirname "$0")/common.sh"

for pid in $(cj_pids taskmanager); do
  cj_log "stopping TaskManager pid $pid"
  cj_stop_pid "$pid"
done
for pid in $(cj_pids jobmanager); do
  cj_log "stopping JobManager pid $pid"
  cj_stop_pid "$pid"
done
