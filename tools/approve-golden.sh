#!/usr/bin/env bash
# Approves the golden outputs after an intended change of the model: regenerates the walkthrough's
# reference trace in traces/, runs the golden tests (each mismatch leaves NAME.*.unapproved next to
# its approved file in traces/golden/) and promotes every .unapproved file. Review the diff
# (git diff traces/) before committing it.
#   tools/approve-golden.sh            # all of the above
#   tools/approve-golden.sh --promote  # only promote the .unapproved files a test run left
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != "--promote" ]; then
  [ -x build/rxpath ] && [ -x build/tests/test_run ] || bash tools/setup.sh
  cmake --build build -j2 --target rxpath test_run >/dev/null
  build/rxpath run scenarios/walkthrough.json -o traces/walkthrough.trace.jsonl -q
  # A mismatch fails its test: expected here, the outputs are promoted below.
  ctest --test-dir build -R '^golden\.' -j2 >/dev/null 2>&1 || true
fi
shopt -s nullglob
for f in traces/golden/*.unapproved traces/*.unapproved; do
  mv "$f" "${f%.unapproved}"
  echo "approved ${f%.unapproved}"
done
git --no-pager diff --stat traces/ || true
git status --short traces/ | grep '^??' || true
