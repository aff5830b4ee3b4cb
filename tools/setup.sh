#!/usr/bin/env bash
# Installs rxpath's Debian packages (only those missing) and builds it in build/.
# Idempotent: a second run with everything installed and built takes a few seconds.
# RXPATH_WERROR=ON (as .ci/run sets it) makes compiler warnings errors; unset, it is turned off.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config libsimgrid-dev nlohmann-json3-dev catch2
          libcli11-dev libsimdjson-dev libboost-math-dev qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libgl-dev
          tcpdump            # the pcap tests check the exported checksums with it
          clang libclang-rt-14-dev # clang and libFuzzer: tools/fuzz.sh
          clang-format)            # tools/check-format.sh (.ci/run)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRXPATH_WERROR="${RXPATH_WERROR:-OFF}" >/dev/null
cmake --build build -j"$(nproc)"
