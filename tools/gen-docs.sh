#!/usr/bin/env bash
# Regenerates the parameter table of docs/scenarios.md from the schema (rxpath params --markdown).
set -euo pipefail
cd "$(dirname "$0")/.."
table=$(build/rxpath params --markdown)
python3 - "$table" <<'PY'
import sys, re
p = "docs/scenarios.md"
s = open(p).read()
s = re.sub(r"(<!-- params:begin -->\n).*?(<!-- params:end -->)", lambda m: m.group(1) + sys.argv[1] + "\n" + m.group(2), s, flags=re.S)
open(p, "w").write(s)
PY
