#!/usr/bin/env bash
# Starts a standalone Flink session cluster on 127.0.0.1: one JobManager JVM
# and one TaskManager JVM, from the jars in deploy/local/target/lib. Their pids
# go to $CJ_LOCAL_DIR/pids, where stop-cluster.sh finds them. Settings: see
# common.sh.
source "$(dirname "$0")/common.sh"
cj_require java curl jq

if [ -n "$(cj_pids jobmanager)" ]; then
  for pid in $(cj_pids jobmanager); do
    cj_is_ours "$pid" && cj_die "a JobManager (pid $pid) is already running for $CJ_LOCAL_DIR"
    cj_forget_pid "$pid"
  done
fi
if cj_rest_up; then
  cj_die "port $CJ_REST_PORT already serves a Flink REST API; set CJ_REST_PORT to another port"
fi

cj_ensure_lib
mkdir -p "$CJ_CONF_DIR" "$CJ_LOG_DIR" "$CJ_LOCAL_DIR/checkpoints" "$CJ_LOCAL_DIR/savepoints" \
  "$CJ_LOCAL_DIR/uploads" "$CJ_LOCAL_DIR/tmp/web" "$CJ_LOCAL_DIR/tmp/io"
cj_render "$CJ_SCRIPT_DIR/conf/config.yaml" "$CJ_CONF_DIR/config.yaml"
cp "$CJ_SCRIPT_DIR/conf/log4j2.properties" "$CJ_CONF_DIR/log4j2.properties"

# The TaskManager would wait 10 s before retrying a JobManager that is not up
# yet, so start it once the REST API answers.
cj_start_flink jobmanager \
  org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
  GET_JM_RESOURCE_PARAMS >/dev/null
cj_wait_for "the JobManager at $CJ_REST_URL" "$CJ_START_TIMEOUT" cj_rest_up
cj_start_taskmanager >/dev/null

cj_log "Flink cluster is up; web UI at $CJ_REST_URL"
