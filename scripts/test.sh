#!/usr/bin/env bash
# Installs what is missing, builds the debug preset and runs the whole suite with ctest, then
# the asan preset's unit, integration and fuzz entries; with AGORA_CONTAINER_TESTS=1 also the
# container image test (docker/test-containers.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh

scripts/install-deps.sh "${AGORA_TEST_PACKAGES[@]}"

jobs=$(nproc)
cmake --preset debug >/dev/null
cmake --build --preset debug -j "$jobs"
ctest --preset debug -j "$jobs" --timeout 600

# The same unit and integration suites under AddressSanitizer and UndefinedBehaviorSanitizer,
# plus a short bounded run of every fuzz target (fuzz/), in one clang build tree.
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"
ctest --preset asan -j "$jobs" --timeout 600

# The container image proof needs a Docker engine of its own and a few minutes more.
if [ "${AGORA_CONTAINER_TESTS:-0}" = 1 ]; then
  docker/test-containers.sh
fi
