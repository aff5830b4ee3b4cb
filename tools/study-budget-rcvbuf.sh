#!/usr/bin/env bash
# Reproduces docs/budget-and-rcvbuf.md: three sweeps of scenarios/study-budget-rcvbuf.json
# (netdev_budget, dev_weight and SO_RCVBUF, each against the load), their tables, and the plots
# in docs/images/study-*.png. About a minute on two cores.
#   bash tools/study-budget-rcvbuf.sh [OUTDIR]     (default build/study)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/rxpath ] && [ -x build/rxpath-plot ] || bash tools/setup.sh >/dev/null
out=${1:-build/study}
mkdir -p "$out"
scenario=scenarios/study-budget-rcvbuf.json
loads=traffic.0.rate_pps=200000,350000,500000

sweep() { # NAME KEY=VALUES
  echo "== $1: $2 x load" >&2
  build/rxpath sweep "$scenario" --set "$2" --set "$loads" --seeds 3 -o "$out/$1"
}
sweep budget net.core.netdev_budget=8,16,32,64,300
sweep weight net.core.dev_weight=8,16,32,64,256
sweep rcvbuf sockets.server.so_rcvbuf_bytes=16384,65536,106496,524288,2097152

for s in budget weight rcvbuf; do
  build/rxpath plot "$out/$s.json" --kind params -o "docs/images/study-$s-latency.png"
  build/rxpath plot "$out/$s.json" --kind drops -o "docs/images/study-$s-drops.png"
done
build/rxpath plot "$out/rcvbuf.json" --kind cdf --where traffic.0.rate_pps=350000 \
    --title "Latency CDF at 350 kpps, by SO_RCVBUF" -o docs/images/study-rcvbuf-cdf.png
echo "Tables: $out/{budget,weight,rcvbuf}.csv; plots: docs/images/study-*.png" >&2
