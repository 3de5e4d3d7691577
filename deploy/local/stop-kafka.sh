#!/usr/bin/env bash
# Stops the Kafka broker that start-kafka.sh recorded in $CART_JOURNEYS_LOCAL_DIR/pids.
# With --delete-data its topics and records are deleted as well.
source "$(dirname "$0")/common.sh"

for pid in $(cj_pids kafka); do
  cj_log "stopping Kafka pid $pid"
  cj_stop_pid "$pid"
done
if [ "${1:-}" = "--delete-data" ]; then
  rm -rf "$CART_JOURNEYS_LOCAL_DIR/kafka"
  cj_log "deleted $CART_JOURNEYS_LOCAL_DIR/kafka"
fi
