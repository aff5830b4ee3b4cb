#!/usr/bin/env bash
# Regenerates the screenshots of docs/viewer.md with rxpath-view --screenshot (no display needed).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/rxpath-view ] || bash tools/setup.sh
for s in default rcvbuf-overflow napi-budget-flood; do build/rxpath run scenarios/$s.json -o build/$s.jsonl -q; done
export QT_QPA_PLATFORM=offscreen
V=build/rxpath-view
$V --screenshot docs/images/walkthrough-follow.png traces/walkthrough.trace.jsonl --packet 0 --stage 13
$V --screenshot docs/images/default-overview.png build/default.jsonl --whole --tab stats
$V --screenshot docs/images/rcvbuf-events.png build/rcvbuf-overflow.jsonl --packet 2001 --stage 13 --tab events
$V --screenshot docs/images/napi-budget-flood.png build/napi-budget-flood.jsonl --packet 40 --stage 3
