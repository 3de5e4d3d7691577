#!/usr/bin/env bash
# Prints the push and email commands committed so far on the local broker, one
# JSON line each, read with isolation.level=read_committed as a gateway would
# read them. Count duplicates with:
#   read-commands.sh | jq -r .command_id | sort | uniq -d
source "$(dirname "$0")/common.sh"
cj_require java
cj_ensure_job_jar
java -cp "$cj_job_jar" "$cj_script_dir/tools/ReadCommands.java" \
  "127.0.0.1:$CART_JOURNEYS_KAFKA_PORT"
