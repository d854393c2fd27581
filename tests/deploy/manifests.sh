#!/usr/bin/env bash
# The manifest checks of k8s/tests: installs their npm packages exactly as locked, then runs
# them with node's test runner (kustomize renders, API schemas, policies, the compose file).
set -euo pipefail
cd "$(dirname "$0")/../../k8s/tests"
npm ci --no-audit --no-fund --loglevel=error
exec node --test
