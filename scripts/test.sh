#!/usr/bin/env bash
# Runs every test: installs and starts what they need (two Docker engines,
# buildx, QEMU, registries, busybox; needs root), installs npm dependencies,
# then typecheck, lint, unit tests (incl. the dist/ freshness check) and the
# integration tests against the real registries and emulators, once per
# engine: Docker 20.10 (classic image store, the default socket) and Docker 26
# (containerd image store). Tests that need one engine skip on the other.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-machine.sh
npm ci --no-audit --no-fund --loglevel=error
npm run --silent typecheck
npm run --silent lint

mkdir -p .tmp
rm -f .tmp/unit.json .tmp/itg-*.json   # a run that writes no report must not count an old one
status=0
npx vitest run --config vitest.unit.config.ts --reporter=default --reporter=json --outputFile=.tmp/unit.json || status=$?
if [[ $status == 0 ]]; then
  for engine in docker20:unix:///var/run/docker.sock docker26:unix:///var/run/docker26.sock; do
    echo "== integration tests on ${engine%%:*} (${engine#*:})"
    DOCKER_HOST=${engine#*:} bash scripts/itg.sh --reporter=default --reporter=json \
      --outputFile=".tmp/itg-${engine%%:*}.json" || status=$?
  done
fi
node scripts/test-summary.mjs .tmp/unit.json .tmp/itg-docker20.json .tmp/itg-docker26.json
exit "$status"
