#!/usr/bin/env bash
# Quick start: builds examples/hello for amd64, arm64, s390x and ppc64le
# (riscv64 too when its busybox is available) through the action's real code
# path (dist/ run as the runner runs it), pushes the index to an embedded
# local target registry, and prints platform -> digest. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-machine.sh
[[ -x node_modules/.bin/tsx ]] || npm ci --no-audit --no-fund --loglevel=error
# The same machine-wide lock as the integration tests: both use the engine and binfmt_misc.
exec flock /tmp/multiarch-action-itg.lock npx --no-install tsx scripts/demo.ts
