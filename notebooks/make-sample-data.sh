#!/usr/bin/env bash
# Regenerates notebooks/sample-data/ with the real job: writes a synthetic
# input, replays it to the end (sample-data/replay: decisions.jsonl and
# conversions.jsonl), replays it again to a savepoint and inspects that
# (sample-data/state: the inspect-savepoint CSV tables).
# Needs JDK 17 and /usr/bin/python3; builds the job jar on first use.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 "$here/make_sample_input.py" "$work/input"
inputs=(--events "$work/input/events.jsonl" --profiles "$work/input/profiles.jsonl"
  --links "$work/input/links.jsonl" --config "$here/sample-config.yaml")

"$root/cart-journeys" replay "${inputs[@]}" --out "$work/replay"
"$root/cart-journeys" replay "${inputs[@]}" --out "$work/replay-open" \
  --savepoint "$work/savepoints"
savepoint="$(find "$work/savepoints" -mindepth 1 -maxdepth 1 -type d | head -n 1)"
"$root/cart-journeys" inspect-savepoint "$savepoint" --out "$work/state" --parallelism 1

# Only what the notebooks read: commands are in the decisions (SENT), and the
# command files would add recipients to the repository.
rm -rf "$here/sample-data"
mkdir -p "$here/sample-data/replay" "$here/sample-data/state"
cp "$work/replay/decisions.jsonl" "$work/replay/conversions.jsonl" "$here/sample-data/replay/"
# inspect-savepoint writes rows in no fixed order; sorting keeps regenerated
# files comparable (no field of this synthetic data has a line break).
for table in "$work/state/"*.csv; do
  { head -n 1 "$table"; tail -n +2 "$table" | LC_ALL=C sort; } \
    > "$here/sample-data/state/$(basename "$table")"
done
du -sh "$here/sample-data"
