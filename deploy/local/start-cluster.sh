#!/usr/bin/env bash
# Starts a standalone Flink session cluster on 127.0.0.1: one JobManager JVM
# and one TaskManager JVM, from the jars in deploy/local/target/lib. Their pids
# go to $CART_JOURNEYS_LOCAL_DIR/pids, where stop-cluster.sh finds them. Settings: see
# common.sh.
source "$(dirname "$0")/common.sh"
cj_require java curl jq

if [ -n "$(cj_pids jobmanager)" ]; then
  for pid in $(cj_pids jobmanager); do
    cj_is_ours "$pid" && \
      cj_die "a JobManager (pid $pid) is already running for $CART_JOURNEYS_LOCAL_DIR"
    cj_forget_pid "$pid"
  done
fi
if cj_rest_up; then
  cj_die "port $CART_JOURNEYS_REST_PORT already serves a Flink REST API;" \
    "set CART_JOURNEYS_REST_PORT to another port"
fi

cj_ensure_lib
for sub in checkpoints savepoints uploads tmp/web tmp/io; do
  mkdir -p "$CART_JOURNEYS_LOCAL_DIR/$sub"
done
mkdir -p "$cj_conf_dir" "$cj_log_dir"
cj_render "$cj_script_dir/conf/config.yaml" "$cj_conf_dir/config.yaml"

# The TaskManager would wait 10 s before retrying a JobManager that is not up
# yet, so start it once the REST API responds.
cj_start_flink jobmanager \
  org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
  GET_JM_RESOURCE_PARAMS >/dev/null
cj_wait_for "the JobManager at $cj_rest_url" "$CART_JOURNEYS_START_TIMEOUT" cj_rest_up
cj_start_taskmanager >/dev/null

cj_log "Flink cluster is up; web UI at $cj_rest_url"
