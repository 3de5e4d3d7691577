#!/usr/bin/env bash
# Creates the job's topics on the local broker, skipping those that exist.
#
#   create-topics.sh [PARTITIONS [TOPIC...]]
#
# Without topic names it creates the default names of the job settings (see
# docs/configuration.md); pass the names when your settings change them.
# PARTITIONS defaults to 2, the local cluster's parallelism.
source "$(dirname "$0")/common.sh"
cj_require java
cj_ensure_job_jar

partitions="${1:-2}"
shift || true
topics=("$@")
if [ ${#topics[@]} -eq 0 ]; then
  topics=(cj.events cj.profiles cj.links cj.feedback
    cj.commands.push cj.commands.email cj.decisions cj.conversions cj.dead-letters)
fi
java -cp "$cj_job_jar" "$cj_script_dir/tools/CreateTopics.java" \
  "127.0.0.1:$CART_JOURNEYS_KAFKA_PORT" "$partitions" "${topics[@]}"
