#!/usr/bin/env bash
# Publishes sample input to the local broker's input topics: Ananya's story
# from the acceptance scenario and a crowd of synthetic shoppers (all email
# addresses at example.com), in time order.
#
#   publish-sample.sh [PEOPLE [SEED]]    defaults: 50 shoppers, seed 1
source "$(dirname "$0")/common.sh"
cj_require java
cj_ensure_job_jar
java -cp "$cj_job_jar" "$cj_script_dir/tools/PublishSample.java" \
  "127.0.0.1:$CART_JOURNEYS_KAFKA_PORT" "${1:-50}" "${2:-1}"
