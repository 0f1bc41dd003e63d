#!/usr/bin/env bash
# dist/ is the product users run: it must be committed and be exactly what a
# fresh `npm run build` makes from src/ (dist/index.js for the action,
# dist/cli.js for the command line). The fresh build runs the build script
# itself (scripts/build.mjs) with its output redirected to a temporary
# directory, so the working tree's dist/ is never rewritten.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dist-fresh-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

stale() {
  echo "dist/ is stale: run npm run build and commit dist/" >&2
  echo "$1" >&2
  if [[ -n $(git status --porcelain -- src) ]]; then
    echo "(src/ has uncommitted changes: dist/ must be rebuilt from them and committed too)" >&2
  fi
  exit 1
}

# scripts/build.mjs takes -o DIR: this only moves the output.
if ! npm run --silent build -- -o "$tmp/dist" >"$tmp/build.log" 2>&1; then
  cat "$tmp/build.log" >&2
  echo "dist check: npm run build failed" >&2
  exit 1
fi
[[ -f $tmp/dist/index.js ]] || { cat "$tmp/build.log" >&2; echo "dist check: the build wrote no $tmp/dist/index.js" >&2; exit 1; }
[[ -f $tmp/dist/cli.js ]] || { cat "$tmp/build.log" >&2; echo "dist check: the build wrote no $tmp/dist/cli.js" >&2; exit 1; }

uncommitted=$(git status --porcelain -- dist)
[[ -z $uncommitted ]] || stale "dist/ has uncommitted changes or untracked files:
$uncommitted"

if ! differences=$(diff -rq dist "$tmp/dist"); then
  stale "dist/ differs from a fresh build of src/:
$differences"
fi
echo "dist/ is fresh: committed, and equal to a fresh npm run build"
