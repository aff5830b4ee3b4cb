#!/usr/bin/env bash
# Fails if a tracked C++ source differs from .clang-format (clang-format 14, Debian 12's
# clang-format package; tools/setup.sh installs it). Fix with: clang-format -i FILE...
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files -z '*.cpp' '*.hpp' '*.h' | xargs -0 clang-format --dry-run -Werror
