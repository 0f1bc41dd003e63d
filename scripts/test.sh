#!/usr/bin/env bash
# Runs every test: installs and starts what they need (Docker engine, buildx,
# QEMU, registries, busybox; needs root), installs npm dependencies, then
# typecheck, lint, the dist/ freshness check, unit tests, repository checks
# (test/repo) and the integration tests against the real engine, registries
# and emulators. Integration tests only run when everything before passed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-machine.sh
npm ci --no-audit --no-fund --loglevel=error
npm run --silent typecheck
npm run --silent lint

mkdir -p .tmp
# Reports of an earlier run must not count in this run's summary.
rm -f .tmp/unit.json .tmp/repo.json .tmp/itg.json
dist_status=0
bash scripts/check-dist.sh || dist_status=$?
status=$dist_status
npx vitest run --config vitest.unit.config.ts --reporter=default --reporter=json --outputFile=.tmp/unit.json || status=$?
npx vitest run --config vitest.repo.config.ts --reporter=default --reporter=json --outputFile=.tmp/repo.json || status=$?
if [[ $status == 0 ]]; then
  bash scripts/itg.sh --reporter=default --reporter=json --outputFile=.tmp/itg.json || status=$?
fi
if [[ $dist_status != 0 ]]; then
  echo "dist/ check failed: see the message of scripts/check-dist.sh above"
fi
node scripts/test-summary.mjs .tmp/unit.json .tmp/repo.json .tmp/itg.json
exit "$status"
