#!/usr/bin/env bash
# Development watch mode: rebuilds incrementally and restarts agora --role=all whenever a
# source, configuration or storefront file changes, keeping the data folder. Compile errors are
# shown and the watch goes on. Extra arguments go to agora.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh

scripts/install-deps.sh "${AGORA_BUILD_PACKAGES[@]}" inotify-tools || exit 1
cmake --preset debug -DAGORA_BUILD_TESTS=OFF >/dev/null || exit 1

server=
stop_server() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server"
    wait "$server" 2>/dev/null
  fi
  server=
}
trap 'stop_server; exit 0' INT TERM

while true; do
  echo "watch: building" >&2
  if cmake --build build/debug --target agora; then
    stop_server
    ./build/debug/agora --role=all --seed-demo --data-dir .agora-data "$@" &
    server=$!
  else
    echo "watch: build failed; the previous server (if any) keeps running" >&2
  fi
  # Wait for the next change of a source, header, CMake or configuration file, or of the
  # storefront's files (compiled into the binary).
  inotifywait -q -r -e close_write,create,delete,move \
    --include '.*\.(cpp|h|in|txt|json|properties|cmake|html|js|css|svg)$' \
    src config api cmake web/index.html web/assets CMakeLists.txt >/dev/null
done
