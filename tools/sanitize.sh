#!/usr/bin/env bash
# The simulator's test suite under AddressSanitizer + UndefinedBehaviorSanitizer: builds the
# command-line targets (no GUI) with the `asan` preset in build-asan/ and runs ctest there,
# without the real-kernel and validation tests and with fewer property cases. Any sanitizer report fails a test:
# UBSan is built not to recover, ASan aborts on the first error, LeakSanitizer checks each exit.
set -euo pipefail
cd "$(dirname "$0")/.."

cmake --preset asan >/dev/null
cmake --build build-asan -j2

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
if [ -f tools/lsan.supp ]; then export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tools/lsan.supp}; fi
export RXPATH_PROPERTY_CASES=${RXPATH_PROPERTY_CASES:-5}
# The validation tests (ctest -L validation) are left out: long runs for statistics over code the
# conservation and property tests already cover, and 3x slower on the thread contexts an ASan
# build needs (M/M/1/K: 349 s, M/D/1 past the 600 s limit of a run), which would break CI's time budget.
ctest --test-dir build-asan -LE "realkernel|validation" --output-on-failure -j2 --timeout 900
