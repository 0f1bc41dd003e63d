#!/usr/bin/env bash
# Integration tests hold a machine-wide lock: they share one Docker engine and
# the kernel's binfmt_misc (emulation tests register and unregister QEMU), so
# two runs on one machine must never overlap.
set -euo pipefail
cd "$(dirname "$0")/.."
exec flock /tmp/multiarch-action-itg.lock npx vitest run --config vitest.itg.config.ts "$@"
