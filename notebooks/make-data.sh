#!/usr/bin/env bash
# Makes the notebooks' input with the real job:
#   1. `cart-journeys generate` writes a synthetic input (fixed seed);
#   2. `cart-journeys replay --savepoint` runs the job over it with config.yaml,
#      writes its outputs to OUT/replay and stops the job with a savepoint;
#   3. `cart-journeys inspect-savepoint` writes that savepoint's tables to
#      OUT/state.
# OUT defaults to notebooks/data, which is where the notebooks look by default.
# Needs JDK 17; builds the job jar on first use. The size of the input can be
# set with PERSONS (default 500), DAYS (3) and SEED (7).
#
# Usage: notebooks/make-data.sh [OUT]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out="${1:-$here/data}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$root/cart-journeys" generate --persons "${PERSONS:-500}" --days "${DAYS:-3}" \
  --seed "${SEED:-7}" --out "$work/input"

rm -rf "$out/replay" "$out/state"
mkdir -p "$out"
"$root/cart-journeys" replay --no-progress --config "$here/config.yaml" \
  --events "$work/input/events.jsonl" --profiles "$work/input/profiles.jsonl" \
  --links "$work/input/links.jsonl" --feedback "$work/input/feedback.jsonl" \
  --out "$out/replay" --savepoint "$work/savepoints"
savepoint="$(find "$work/savepoints" -mindepth 1 -maxdepth 1 -type d | head -n 1)"
"$root/cart-journeys" inspect-savepoint "$savepoint" --out "$out/state"
echo "notebook input written to $out/replay and $out/state"
