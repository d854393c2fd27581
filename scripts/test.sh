#!/usr/bin/env bash
# Installs what is missing, builds the debug preset and runs the whole suite with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh

scripts/install-deps.sh "${AGORA_TEST_PACKAGES[@]}"

jobs=$(nproc)
cmake --preset debug >/dev/null
cmake --build --preset debug -j "$jobs"
ctest --preset debug -j "$jobs" --timeout 600
