#!/usr/bin/env bash
# The manifest checks of k8s/tests: installs their npm packages exactly as locked, then runs
# them with node's test runner (overlay renders, API schemas, policies, the compose file). The
# overlays render with kustomize or kubectl when one is on PATH, which also checks the built-in
# renderer k8s/tests/kustomize.mjs against it, else with that renderer alone;
# AGORA_KUSTOMIZE=builtin picks it even where kubectl is installed.
set -euo pipefail
cd "$(dirname "$0")/../../k8s/tests"
npm ci --no-audit --no-fund --loglevel=error
exec node --test
