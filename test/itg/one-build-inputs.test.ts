// build-push-action's inputs through one multi-platform build on Docker 26
// (containerd store, docker driver): attestations kept beside their image or
// stripped, named contexts, and cache exports that one build writes once for
// all its platforms. Docker 20.10's limits are checked in build-inputs.test.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { errorsOf, runAction } from '../../support/action-runner.js';
import { addBusybox } from '../../support/contexts.js';
import { useTargetRegistry } from '../helpers/target-registry.js';
import { engine, skipWithoutPrereqs } from '../helpers/prereqs.js';

const skip = skipWithoutPrereqs();
const { containerdStore } = engine();

const PRELUDE =
  'FROM scratch\nARG TARGETARCH\nCOPY busybox/${TARGETARCH} /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n';
const PLATFORMS = 'linux/amd64,linux/arm64';

interface Entry {
  digest: string;
  platform?: { os: string; architecture: string };
  annotations?: Record<string, string>;
}

function rawIndex(ref: string): { manifests: Entry[] } {
  return JSON.parse(
    execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`], {
      encoding: 'utf8',
    }),
  ) as { manifests: Entry[] };
}

describe.skipIf(skip || !containerdStore)('one build: inputs on Docker 26', () => {
  const t = useTargetRegistry();
  const dirs = t.dirs;
  const context = (body: string) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ctx-one-inputs-'));
    dirs.push(dir);
    addBusybox(dir);
    writeFileSync(path.join(dir, 'Dockerfile'), PRELUDE + body);
    return dir;
  };

  test('provenance: each attestation sits beside the image it names, never as a platform; strip leaves them out', async () => {
    const ctx = context('RUN uname -m > /arch\n');
    for (const attestations of ['keep', 'strip']) {
      const repo = `${t.registry.address}/one-inputs/provenance-${attestations}`;
      const run = await runAction({
        platforms: PLATFORMS,
        context: ctx,
        tags: `${repo}:1`,
        push: 'true',
        network: 'host',
        provenance: 'mode=max',
        attestations,
      });
      expect(errorsOf(run.main)).toBe('');
      expect(run.main.log).toContain('Builds: in one build: linux/amd64, linux/arm64');
      const digests = JSON.parse(run.outputs['platform-digests'] ?? '{}') as Record<string, string>;
      expect(Object.keys(digests)).toEqual(['linux/amd64', 'linux/arm64']);
      const { manifests } = rawIndex(`${repo}:1`);
      const images = manifests.filter((m) => !m.annotations?.['vnd.docker.reference.type']);
      const attested = manifests.filter(
        (m) => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest',
      );
      expect(images.map((m) => `${m.platform?.os}/${m.platform?.architecture}`)).toEqual([
        'linux/amd64',
        'linux/arm64',
      ]);
      expect(images.map((m) => m.digest)).toEqual(Object.values(digests));
      if (attestations === 'keep') {
        expect(attested.map((a) => a.annotations?.['vnd.docker.reference.digest'])).toEqual(
          Object.values(digests),
        );
        expect(attested.every((a) => a.platform?.architecture === 'unknown')).toBe(true);
      } else expect(attested).toEqual([]);
    }
  });

  test('build-contexts reach every platform of the one build', async () => {
    const ctx = context(
      'COPY --from=extra f /f\nRUN test "$(cat /f)" = x && echo "extra-seen-$(uname -m)"\n',
    );
    const extra = mkdtempSync(path.join(os.tmpdir(), 'extra-'));
    dirs.push(extra);
    writeFileSync(path.join(extra, 'f'), 'x');
    const run = await runAction({
      platforms: PLATFORMS,
      context: ctx,
      network: 'host',
      'no-cache': 'true',
      'build-contexts': `extra=${extra}`,
    });
    expect(errorsOf(run.main)).toBe('');
    expect(run.main.log).toContain(`--build-context extra=${extra}`);
    expect(run.main.log).toContain('extra-seen-x86_64');
    expect(run.main.log).toContain('extra-seen-aarch64');
  });

  test('cache-to type=local and type=registry: one cache for the one build, under its platforms joined', async () => {
    const ctx = context('RUN uname -m > /arch\n');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cache-'));
    dirs.push(dir);
    const ref = `${t.registry.address}/one-inputs/cache:build`;
    const run = await runAction({
      platforms: PLATFORMS,
      context: ctx,
      network: 'host',
      'cache-to': `type=local,dest=${dir}\ntype=registry,ref=${ref},mode=max`,
    });
    expect(errorsOf(run.main)).toBe('');
    const slug = 'linux-amd64_linux-arm64';
    expect(run.main.log).toContain(`--cache-to type=local,dest=${dir}/${slug}`);
    const index = JSON.parse(readFileSync(path.join(dir, slug, 'index.json'), 'utf8')) as {
      manifests: unknown[];
    };
    expect(index.manifests).toHaveLength(1);
    expect(existsSync(path.join(dir, 'linux-amd64'))).toBe(false);
    const cache = rawIndex(`${ref}-${slug}`);
    // One cache export: every platform's layers in it (busybox differs per arch).
    expect(cache.manifests.length).toBeGreaterThanOrEqual(2);
  });
});
