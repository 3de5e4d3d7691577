#!/usr/bin/env bash
# Starts the job from a savepoint with the given settings, after
# savepoint.sh --stop, an upgrade of the jar or a change of settings. Prints the
# new job id.
#
#   resume.sh SAVEPOINT CONFIG [--allow-non-restored-state]
source "$(dirname "$0")/common.sh"

[ $# -ge 2 ] || {
  echo "usage: $(basename "$0") SAVEPOINT CONFIG [--allow-non-restored-state]" >&2
  exit 2
}
savepoint="$1"
config="$2"
shift 2
# A local path or a file: URI is checked here; other schemes (s3://, hdfs://)
# are left to the JobManager.
path=""
case "$savepoint" in
  file:*)
    # file:/p and file:///p name the same path; keep one leading slash.
    path="${savepoint#file:}"
    path="/${path#"${path%%[!/]*}"}"
    ;;
  *://*) ;;
  *) path="$savepoint" ;;
esac
if [ -n "$path" ]; then
  [ -f "$path/_metadata" ] || cj_die "not a savepoint directory (no _metadata): $savepoint"
  savepoint="file://$(cd "$path" && pwd)"
fi
exec "$cj_script_dir/submit.sh" "$config" --savepoint "$savepoint" "$@"
