#!/usr/bin/env bash
# Installs what is missing, builds a release binary and runs every role in one process
# with demo data, on https://localhost:8443 (AGORA_HTTP_PORT or --port changes it).
# Extra arguments go to agora, e.g. scripts/run.sh --port 9443.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh

scripts/install-deps.sh "${AGORA_BUILD_PACKAGES[@]}"

cmake --preset release -DAGORA_BUILD_TESTS=OFF >/dev/null
cmake --build --preset release --target agora

port=${AGORA_HTTP_PORT:-8443}
admin_port=${AGORA_ADMIN_PORT:-9090}
for ((i = 1; i <= $#; i++)); do
  case "${!i}" in
    --port=*) port=${!i#--port=} ;;
    --port) j=$((i + 1)); port=${!j} ;;
    --admin-port=*) admin_port=${!i#--admin-port=} ;;
    --admin-port) j=$((i + 1)); admin_port=${!j} ;;
  esac
done

cat <<MSG

Agora is starting with every role in one process and demo data.
  Storefront:         https://localhost:${port}/  (self-signed certificate: accept it once)
  API:                https://localhost:${port}/api/  (curl -k)
  API description:    https://localhost:${port}/api/openapi.json
  Operations:         http://127.0.0.1:${admin_port}/readyz
  Log in as the demo admin with the email and password printed below (first start only).
  Data folder: .agora-data (delete it to start from scratch). Stop with Ctrl+C.

MSG
exec ./build/release/agora --role=all --seed-demo --data-dir .agora-data "$@"
