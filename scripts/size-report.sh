#!/usr/bin/env bash
# Prints the release build's .wasm and .js sizes, raw and gzip, and fails
# over the budget.
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET_KB=${SIZE_BUDGET_KB:-350}
total=0
for f in dist/*.wasm dist/*.js; do
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c)
  total=$((total + gz))
  printf '%-28s %9d bytes raw %9d bytes gzip\n' "$(basename "$f")" "$raw" "$gz"
done
printf 'wasm + js gzip total: %d bytes (%d KB; budget %d KB)\n' "$total" $((total / 1024)) "$BUDGET_KB"
[ $((total / 1024)) -le "$BUDGET_KB" ] || { echo "over the size budget" >&2; exit 1; }
