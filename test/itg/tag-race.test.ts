// The engine's push racing the local registry's storage on one tag (see src/buildx/tag-race.ts): a build
// that failed only that way runs again from the cache and the run succeeds; any other 500 from the local
// registry fails the build at once. The race itself comes about 1 build in 30, so a `docker` wrapper
// injects it: it runs the real build, then reports the registry's 500 as containerd prints it.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, runAction } from '../../support/action-runner.js';
import { exampleContext } from '../../support/contexts.js';
import { readManifest, sha256 } from '../../support/images.js';
import { startRegistry, type TestRegistry } from '../../support/registry.js';
import { engine, skipWithoutPrereqs } from '../helpers/prereqs.js';

const skip = skipWithoutPrereqs();
const { containerdStore } = engine();

/** A `docker` that fails the first `buildx build` to end after the real one ran, with a 500 for pathSuffix. */
function wrapper(dir: string, pathSuffix: string): { bin: string; builds: () => number } {
  const real = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
  const count = path.join(dir, 'builds');
  writeFileSync(count, '');
  const script = `#!/bin/sh
if [ "$1" = buildx ] && [ "$2" = build ]; then
  echo build >> '${count}'
  ref=; prev=
  for a in "$@"; do [ "$prev" = --tag ] && ref=$a; prev=$a; done
  '${real}' "$@" || exit $?
  if mkdir '${dir}/failed-once' 2>/dev/null; then
    host=\${ref%%/*}; rest=\${ref#*/}; repo=\${rest%:*}; tag=\${rest##*:}
    echo "ERROR: unexpected status from HEAD request to http://$host/v2/$repo/${pathSuffix}: 500 Internal Server Error" >&2
    exit 1
  fi
  exit 0
fi
exec '${real}' "$@"
`;
  const bin = path.join(dir, 'bin');
  execFileSync('mkdir', ['-p', bin]);
  writeFileSync(path.join(bin, 'docker'), script);
  chmodSync(path.join(bin, 'docker'), 0o755);
  return { bin, builds: () => readFileSync(count, 'utf8').split('\n').filter(Boolean).length };
}

describe.skipIf(skip)('the tag race in the local registry', () => {
  let registry: TestRegistry;
  let context: string;
  const dirs: string[] = [];
  beforeAll(async () => {
    registry = await startRegistry();
    context = exampleContext('hello');
  });
  afterAll(async () => {
    await registry?.stop();
    for (const d of [context, ...dirs]) rmSync(d, { recursive: true, force: true });
  });

  const runWith = (suffix: string, repo: string, platforms: string) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tag-race-'));
    dirs.push(dir);
    const fake = wrapper(dir, suffix);
    const inputs = {
      platforms,
      context,
      tags: `${registry.address}/${repo}:1`,
      push: 'true',
      network: 'host',
    };
    const env = { PATH: `${fake.bin}:${process.env.PATH ?? ''}` };
    return runAction(inputs, { env }).then((run) => ({ run, builds: fake.builds() }));
  };

  test('a 500 to a manifest HEAD of the local tag: built again from the cache, and pushed', async () => {
    const { run, builds } = await runWith('manifests/$tag', 'acme/race', 'linux/amd64,linux/arm64');
    expect(errorsOf(run.main)).toBe('');
    // Docker 26 builds both in one build; 20.10 builds each on its own, and one of the two runs again.
    expect(builds).toBe(containerdStore ? 2 : 3);
    expect(run.main.log).toMatch(
      /::warning::Building linux\/(amd64|arm64|amd64,linux\/arm64): the local registry answered "unexpected status from HEAD request to http:\/\/127\.0\.0\.1:\d+\/v2\/[^"]+\/manifests\/[^"]+: 500 Internal Server Error" .*Building again from the cache \(attempt 2 of 3\)/,
    );
    expect(sha256(await readManifest({ url: registry.url }, 'acme/race', '1'))).toBe(run.outputs.digest);
    // Each platform's log group once, from the attempt that succeeded.
    for (const p of ['amd64', 'arm64'])
      expect(run.main.log.split(`::group::Building linux/${p}\n`)).toHaveLength(2);
  });

  test('any other 500 from the local registry fails the build once, naming it', async () => {
    const { run, builds } = await runWith('blobs/uploads/', 'acme/no-race', 'linux/amd64');
    expect(run.main.exitCode).not.toBe(0);
    expect(builds).toBe(1);
    expect(errorsOf(run.main)).toMatch(
      /^Building linux\/amd64 failed .*blobs\/uploads\/: 500 Internal Server Error/,
    );
    expect(run.main.log).not.toContain('Building again from the cache');
  });
});
