#!/usr/bin/env sh
# examples/cli: the action's pipeline from a plain shell (a laptop, Jenkins, any
# CI): two platforms built under QEMU where needed and pushed as one index, all
# or nothing. Needs Docker with buildx, Node 24 and a checkout of the
# action (ACTION_DIR). Logs go to stderr; the outputs come back as JSON on stdout.
#
#   REGISTRY_USER=bot REGISTRY_PASSWORD=... IMAGE=registry.example.com/acme/app:1.0 sh build.sh
set -eu

ACTION_DIR=${ACTION_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CONTEXT=${CONTEXT:-.}
: "${IMAGE:?set IMAGE to the reference to push, e.g. registry.example.com/acme/app:1.0}"

# The password goes in as --password=...: it is masked in everything printed.
outputs=$(node "$ACTION_DIR/dist/cli.js" \
  --platforms linux/amd64,linux/arm64 \
  --context "$CONTEXT" \
  --tags "$IMAGE" \
  --push \
  --username "${REGISTRY_USER:-}" \
  --password="${REGISTRY_PASSWORD:-}" \
  ${EXTRA_FLAGS:-})

printf '%s\n' "$outputs"
# The index digest, for a deploy step: what the registry serves for $IMAGE.
printf '%s' "$outputs" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).digest))'
