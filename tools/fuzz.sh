#!/usr/bin/env bash
# Builds the libFuzzer targets in build-fuzz/ (clang, ASan+UBSan), makes their seed corpora in
# build-fuzz/corpus/ and runs each target for SECONDS (default 600), after replaying the
# reproducers in fuzz/regressions/<target>/. Prints, per target, the inputs run and the crashes;
# exits non-zero if any target crashed or a reproducer fails again.
#   tools/fuzz.sh [SECONDS] [TARGET...]     e.g. tools/fuzz.sh 20 (the CI smoke), tools/fuzz.sh 600 fuzz_merge
# RXPATH_FUZZ_JOBS=N runs N targets at once (default 1). Seed traces and sweep results come from
# build/rxpath (built here if missing). Crashing inputs are kept in build-fuzz/crashes/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
shift || true
all=(fuzz_scenario_file fuzz_scenario_set fuzz_trace_reader fuzz_merge fuzz_export_chrome fuzz_export_pcap)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
jobs=${RXPATH_FUZZ_JOBS:-1}
out=build-fuzz

# The fuzzers and everything they reach, instrumented; no SimGrid, no Qt.
cmake -S . -B "$out" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
  -DRXPATH_FUZZ=ON -DRXPATH_BUILD_SIM=OFF -DRXPATH_BUILD_GUI=OFF -DRXPATH_BUILD_TESTS=OFF >/dev/null
cmake --build "$out" -j2 --target "${targets[@]}"

# Seed corpora. build/rxpath makes the traces and sweep results the readers start from.
if [ ! -x build/rxpath ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build build -j2 --target rxpath
fi
corpus=$out/corpus
gen=$out/seed-runs
rm -rf "$corpus" "$gen"
mkdir -p "$corpus"/{fuzz_scenario_file,fuzz_scenario_set,fuzz_trace_reader,fuzz_merge} "$gen"
cp scenarios/*.json tests/scenarios/*.json "$corpus/fuzz_scenario_file/"

# One override per file, KEY=DEFAULT for every parameter (arrays at index 0), and a few
# combinations and edge cases a user types.
build/rxpath params | sed -n 's/^\([a-z][^ ]*\) ([^,)]*, default \(.*\))$/\1=\2/p' | sed 's/\[\]/.0/g' |
  split -l 1 -a 3 - "$corpus/fuzz_scenario_set/param-"
printf 'net.core.netdev_budget=64\nreceivers.0.app_work_ns=2500\n' >"$corpus/fuzz_scenario_set/two"
printf 'kernel=6.18\nnic.rps_cpus=[0,1]\n' >"$corpus/fuzz_scenario_set/list"
printf 'sockets.s.so_rcvbuf_bytes=4096\ntraffic.0.count=100\nseed=5\n' >"$corpus/fuzz_scenario_set/named"
printf 'netfilter.prerouting.0.verdict=DROP\n' >"$corpus/fuzz_scenario_set/netfilter"

traced=(default napi-off rps-backlog netfilter-drop fragments loopback bad-checksum two-receivers rcvbuf-overflow)
for s in "${traced[@]}"; do
  # About 20 datagrams over all sources: traces of a few tens of kB, quick to mutate.
  n=$(build/rxpath validate "scenarios/$s.json" | sed -n 's/.*(\([0-9]*\) traffic sources.*/\1/p')
  sets=()
  for ((i = 0; i < n; i++)); do sets+=(--set "traffic.$i.count=$(((20 + n - 1) / n))"); done
  build/rxpath run "scenarios/$s.json" "${sets[@]}" -q -o "$gen/$s.trace.jsonl"
done
# A trace cut short mid-line, as a killed run leaves it.
head -c 3000 "$gen/default.trace.jsonl" >"$gen/cut.trace.jsonl"
cp "$gen"/*.trace.jsonl traces/*.jsonl "$corpus/fuzz_trace_reader/"
for t in fuzz_export_chrome fuzz_export_pcap; do cp -r "$corpus/fuzz_trace_reader" "$corpus/$t"; done

build/rxpath sweep scenarios/default.json --set net.core.netdev_budget=8,300 --set traffic.0.count=20 \
  --seeds 2 -j1 -o "$gen/sweep" >/dev/null 2>&1
for i in 0 1; do
  build/rxpath sweep scenarios/default.json --set net.core.netdev_budget=8,300 --set traffic.0.count=20 \
    --shard "$i/2" -j1 -o "$gen/shard$i" >/dev/null 2>&1
done
cp "$gen/sweep.json" "$corpus/fuzz_merge/sweep.json"
# fuzz_merge reads shards separated by a line "--shard--".
{ cat "$gen/shard0.json"; printf '\n--shard--\n'; cat "$gen/shard1.json"; } >"$corpus/fuzz_merge/shards"

# Replays the reproducers of bugs found (and fixed) before: each must now run clean.
status=0
for t in "${targets[@]}"; do
  dir=fuzz/regressions/$t
  [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ] || continue
  if "$out/fuzz/$t" -runs=1 "$dir"/* >"$out/$t.regressions.log" 2>&1; then
    echo "fuzz: $t: $(ls "$dir" | wc -l) regression inputs replayed clean"
  else
    echo "fuzz: $t: a regression input fails again, see $out/$t.regressions.log" >&2
    status=1
  fi
done

run_one() {
  local t=$1 opts=()
  rm -rf "$out/crashes/$t"
  mkdir -p "$out/crashes/$t" "$out/work/$t"
  # Traces open with a 10 kB header: 24 kB keeps it and about a hundred events, and mutating
  # inputs of that size runs several times faster than whole seed traces.
  case $t in fuzz_trace_reader | fuzz_export_*) opts+=(-max_len=24576) ;; esac
  # -fork=1 runs the fuzzing in a child and carries on after a crash (each crashing input is kept
  # in crashes/), so that one known bug does not end the whole run. The corpus grows in work/;
  # an input slower than 10 s counts as a hang.
  "$out/fuzz/$t" "$out/work/$t" "$corpus/$t" -dict=fuzz/json.dict "${opts[@]}" -fork=1 -ignore_crashes=1 \
    -ignore_timeouts=1 -ignore_ooms=1 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$out/crashes/$t/" >"$out/$t.log" 2>&1 || true
}

pids=()
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_one "$t" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done

for t in "${targets[@]}"; do
  # The fork-mode parent's last status line: "#RUNS: cov: ... oom/timeout/crash: O/T/C time: ...".
  last=$(grep -E '^#[0-9]+: cov:' "$out/$t.log" | tail -1 || true)
  runs=$(sed -n 's/^#\([0-9]*\):.*/\1/p' <<<"$last")
  failures=$(sed -n 's|.*oom/timeout/crash: \([0-9/]*\).*|\1|p' <<<"$last")
  inputs=$(find "$out/crashes/$t" -type f | wc -l)
  echo "fuzz: $t: ${runs:-?} runs in $seconds s, ${failures:-?/?/?} ooms/timeouts/crashes, $inputs crashing inputs kept"
  if [ "$inputs" -ne 0 ] || [ -z "$runs" ]; then
    echo "fuzz: $t: see $out/$t.log and $out/crashes/$t/" >&2
    status=1
  fi
done
exit $status
