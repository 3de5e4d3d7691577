#!/usr/bin/env bash
# Uploads the job jar to the running local cluster through the REST API and
# starts it with "run --config CONFIG". Prints the job id on stdout.
#
#   submit.sh CONFIG [--savepoint PATH] [--allow-non-restored-state]
#
# With --savepoint the job starts from that savepoint (resume.sh does this).
# --allow-non-restored-state lets it start although the savepoint holds state
# of an operator the new version no longer has; that state is dropped.
source "$(dirname "$0")/common.sh"
cj_require curl jq

usage() {
  echo "usage: $(basename "$0") CONFIG [--savepoint PATH] [--allow-non-restored-state]" >&2
  exit 2
}

[ $# -ge 1 ] || usage
config="$1"
shift
savepoint=""
allow_non_restored=false
while [ $# -gt 0 ]; do
  case "$1" in
    --savepoint) [ $# -ge 2 ] || usage; savepoint="$2"; shift 2 ;;
    --allow-non-restored-state) allow_non_restored=true; shift ;;
    *) usage ;;
  esac
done

[ -f "$config" ] || cj_die "job settings file not found: $config"
# The JobManager runs the job's main method and reads the file itself.
config="$(cd "$(dirname "$config")" && pwd)/$(basename "$config")"
cj_rest_up || cj_die "no JobManager responds at $cj_rest_url; run start-cluster.sh first"
cj_ensure_job_jar

cj_log "uploading $cj_job_jar ($(du -h "$cj_job_jar" | cut -f1))"
upload="$(curl -sS --max-time 300 --fail-with-body -X POST \
  -H 'Expect:' -F "jarfile=@$cj_job_jar" "$cj_rest_url/jars/upload")" || \
  cj_die "uploading the jar failed: $upload"
jar_id="$(jq -r '.filename' <<< "$upload" | xargs basename)"
[ -n "$jar_id" ] && [ "$jar_id" != "null" ] || cj_die "unexpected upload response: $upload"

request="$(jq -n \
  --arg entry "$cj_entry_class" \
  --arg config "$config" \
  --arg savepoint "$savepoint" \
  --argjson allow "$allow_non_restored" \
  '{entryClass: $entry, programArgsList: ["run", "--config", $config]}
   + (if $savepoint == "" then {}
      else {savepointPath: $savepoint, allowNonRestoredState: $allow} end)')"
response="$(cj_post_json "/jars/$jar_id/run" "$request")" || cj_die "starting the job failed: $response"
job_id="$(jq -r '.jobid' <<< "$response")"
[ -n "$job_id" ] && [ "$job_id" != "null" ] || cj_die "unexpected run response: $response"

# The uploaded copy is no longer needed once the job graph is submitted.
cj_get "/jars/$jar_id" >/dev/null 2>&1 && \
  curl -sS --max-time 30 -X DELETE "$cj_rest_url/jars/$jar_id" >/dev/null || true

cj_log "submitted job $job_id${savepoint:+ from $savepoint}"
cj_log "web UI: $cj_rest_url/#/job/running/$job_id/overview"
echo "$job_id"
