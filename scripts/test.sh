#!/usr/bin/env bash
# Runs every test: installs and starts what they need (Docker engine, buildx,
# QEMU, registries, busybox; needs root), installs npm dependencies, then
# typecheck, lint, unit tests (incl. the dist/ freshness check) and the
# integration tests against the real engine, registries and emulators.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-machine.sh
npm ci --no-audit --no-fund --loglevel=error
npm run --silent typecheck
npm run --silent lint

mkdir -p .tmp
status=0
npx vitest run --config vitest.unit.config.ts --reporter=default --reporter=json --outputFile=.tmp/unit.json || status=$?
if [[ $status == 0 ]]; then
  bash scripts/itg.sh --reporter=default --reporter=json --outputFile=.tmp/itg.json || status=$?
fi
node scripts/test-summary.mjs .tmp/unit.json .tmp/itg.json
exit "$status"
