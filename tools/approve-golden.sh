#!/usr/bin/env bash
# Regenerates the reference traces in traces/ after an intended change of the model; review the
# diff (git diff traces/) before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/rxpath ] || bash tools/setup.sh
build/rxpath run scenarios/walkthrough.json -o traces/walkthrough.trace.jsonl -q
git --no-pager diff --stat traces/ || true
