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
# A multi-queue NIC: the elephant flow's queue 4 full and dropping, queues 0 and 6 idle.
build/rxpath run scenarios/rss-elephant.json -o build/rss-elephant.jsonl -q
$V --screenshot docs/images/rss-queues.png build/rss-elephant.jsonl --packet 5732 --stage 0 --size 1600x1100
# Comparing runs: two traces of the same traffic, a sweep's results, the what-if panel.
build/rxpath run scenarios/rcvbuf-overflow.json -q -o build/cmp-a.jsonl --set traffic.0.count=3000
build/rxpath run scenarios/rcvbuf-overflow.json -q -o build/cmp-b.jsonl --set traffic.0.count=3000 \
    --set sockets.server.so_rcvbuf_bytes=400000 --set net.core.rmem_max=1000000
$V --screenshot docs/images/compare.png build/cmp-a.jsonl --compare build/cmp-b.jsonl --packet 600
$V --screenshot docs/images/what-if.png build/cmp-a.jsonl --size 1400x700 \
    --what-if sockets.server.so_rcvbuf_bytes=400000 --what-if net.core.rmem_max=1000000
[ -f build/study/rcvbuf.json ] || bash tools/study-budget-rcvbuf.sh
$V --screenshot docs/images/sweep-results.png build/study/rcvbuf.json --tick 1,4,7,10,13
