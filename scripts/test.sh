#!/usr/bin/env bash
# Runs every test: installs and starts what they need (two Docker engines,
# buildx, QEMU, registries, busybox; needs root), installs npm dependencies,
# then typecheck, lint, the dist/ freshness check, unit tests, repository
# checks (test/repo) and the integration tests against the real registries
# and emulators, once per engine: Docker 20.10 (classic image store, the
# default socket) and Docker 26 (containerd image store). Tests that need one
# engine skip on the other. Integration tests only run when everything before passed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-machine.sh
npm ci --no-audit --no-fund --loglevel=error
npm run --silent typecheck
npm run --silent lint

mkdir -p .tmp
# Reports of an earlier run must not count in this run's summary.
rm -f .tmp/unit.json .tmp/repo.json .tmp/itg-*.json
dist_status=0
bash scripts/check-dist.sh || dist_status=$?
status=$dist_status
npx vitest run --config vitest.unit.config.ts --reporter=default --reporter=json --outputFile=.tmp/unit.json || status=$?
npx vitest run --config vitest.repo.config.ts --reporter=default --reporter=json --outputFile=.tmp/repo.json || status=$?
if [[ $status == 0 ]]; then
  for engine in docker20:unix:///var/run/docker.sock docker26:unix:///var/run/docker26.sock; do
    echo "== integration tests on ${engine%%:*} (${engine#*:})"
    DOCKER_HOST=${engine#*:} bash scripts/itg.sh --reporter=default --reporter=json \
      --outputFile=".tmp/itg-${engine%%:*}.json" || status=$?
  done
fi
if [[ $dist_status != 0 ]]; then
  echo "dist/ check failed: see the message of scripts/check-dist.sh above"
fi
node scripts/test-summary.mjs .tmp/unit.json .tmp/repo.json .tmp/itg-docker20.json .tmp/itg-docker26.json
exit "$status"
