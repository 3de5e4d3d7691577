#!/usr/bin/env bash
# Starts a single-node Kafka broker (KRaft, broker and controller in one JVM)
# on 127.0.0.1:$CART_JOURNEYS_KAFKA_PORT, for trying the job on one machine. The broker
# classes come from the job jar, which carries them for the demo. Its data
# stays in $CART_JOURNEYS_LOCAL_DIR/kafka until stop-kafka.sh --delete-data.
source "$(dirname "$0")/common.sh"
cj_require java

for pid in $(cj_pids kafka); do
  cj_is_ours "$pid" && \
    cj_die "a Kafka broker (pid $pid) is already running for $CART_JOURNEYS_LOCAL_DIR"
  cj_forget_pid "$pid"
done
cj_ensure_job_jar

kafka_dir="$CART_JOURNEYS_LOCAL_DIR/kafka"
mkdir -p "$kafka_dir" "$cj_log_dir"
cj_render "$cj_script_dir/conf/kafka.properties" "$kafka_dir/server.properties"
log_opts=(-Dlog.file="$cj_log_dir/kafka.log"
  -Dlog4j2.configurationFile="file:$cj_script_dir/conf/log4j2-kafka.properties")

if [ ! -f "$kafka_dir/data/meta.properties" ]; then
  cluster_id="$(java "${log_opts[@]}" -cp "$cj_job_jar" kafka.tools.StorageTool random-uuid)"
  java "${log_opts[@]}" -cp "$cj_job_jar" kafka.tools.StorageTool format \
    --cluster-id "$cluster_id" --config "$kafka_dir/server.properties" --standalone >&2
fi

nohup java -Xms256m -Xmx512m "${log_opts[@]}" -Dcj.local.dir="$CART_JOURNEYS_LOCAL_DIR" \
  -cp "$cj_job_jar" kafka.Kafka "$kafka_dir/server.properties" \
  > "$cj_log_dir/kafka.out" 2>&1 < /dev/null &
pid=$!
cj_record_pid kafka "$pid"
cj_log "started Kafka, pid $pid, log $cj_log_dir/kafka.log"

# cj_wait_for silences the probe, so a dead broker is reported on a copy of stderr.
exec 4>&2
kafka_up() {
  if ! cj_is_ours "$pid"; then
    tail -n 20 "$cj_log_dir/kafka.out" >&4
    cj_die "Kafka exited during start; see $cj_log_dir/kafka.out" 2>&4
  fi
  (exec 3<>"/dev/tcp/127.0.0.1/$CART_JOURNEYS_KAFKA_PORT") 2>/dev/null
}
cj_wait_for "Kafka at 127.0.0.1:$CART_JOURNEYS_KAFKA_PORT" "$CART_JOURNEYS_START_TIMEOUT" kafka_up
cj_log "Kafka is up at 127.0.0.1:$CART_JOURNEYS_KAFKA_PORT"
