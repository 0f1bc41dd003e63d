// examples/ghcr-release: a GHCR release workflow whose build-push-action step
// changed only its `uses:`, run through dist/ as a pull request (builds every
// platform, nothing reaches the registry) and as a `v1.2.3` tag push (semver,
// `latest` and `sha-` tags, labels and manifest annotations from
// metadata-action, registry cache). Its `${{ }}` are evaluated against the
// github context of each event; metadata-action's outputs are what v5.7.0
// writes for that event. metadata-action annotates image manifests by
// default, and the step exports a registry cache: the classic image store
// cannot do either, so on it the test expects the early error that says so.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, runAction } from '../../support/action-runner.js';
import { exampleContext } from '../../support/contexts.js';
import type { GitHubEvent } from '../../support/github-env.js';
import { readManifest } from '../../support/images.js';
import { catalog, startRegistry, tagsOf, type TestRegistry } from '../../support/registry.js';
import { evaluatedInputs, githubContextFor } from '../helpers/examples.js';
import type { Contexts } from '../helpers/expressions.js';
import { engine, skipWithoutPrereqs } from '../helpers/prereqs.js';

const skip = skipWithoutPrereqs();
const PLATFORMS = { 'linux/amd64': 'x86_64', 'linux/arm64': 'aarch64', 'linux/ppc64le': 'ppc64le' };
const TAG_SHA = 'abc1230000000000000000000000000000000000';
const PR_SHA = 'def4560000000000000000000000000000000000';

/** docker/metadata-action v5.7.0's outputs for this workflow's `images`/`tags`/`flavor` and an event. */
function metadataOutputs(version: string, tags: string[], sha: string): Record<string, string> {
  const labels = {
    'org.opencontainers.image.created': '2026-12-05T04:00:00.000Z',
    'org.opencontainers.image.description': 'A demo of multi-arch releases',
    'org.opencontainers.image.licenses': 'MIT',
    'org.opencontainers.image.revision': sha,
    'org.opencontainers.image.source': 'https://github.com/acme/demo',
    'org.opencontainers.image.title': 'demo',
    'org.opencontainers.image.url': 'https://github.com/acme/demo',
    'org.opencontainers.image.version': version,
  };
  const lines = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  return {
    version,
    tags: tags.map((t) => `ghcr.io/acme/demo:${t}`).join('\n'),
    labels: lines.join('\n'),
    // DOCKER_METADATA_ANNOTATIONS_LEVELS unset: the `manifest` level only.
    annotations: lines.map((l) => `manifest:${l}`).join('\n'),
  };
}

const TAG_PUSH: GitHubEvent = { event: 'push', tag: 'v1.2.3', sha: TAG_SHA };
const PULL_REQUEST: GitHubEvent = {
  event: 'pull_request',
  number: 42,
  head: 'feature',
  base: 'main',
  sha: PR_SHA,
};

describe.skipIf(skip)('example ghcr-release', () => {
  let registry: TestRegistry;
  let context = '';
  const classic = !engine().containerdStore;
  beforeAll(async () => {
    registry = await startRegistry();
    context = exampleContext('ghcr-release');
  });
  afterAll(async () => {
    await registry?.stop();
    rmSync(context, { recursive: true, force: true });
  });

  function contexts(event: GitHubEvent, meta: Record<string, string>): Contexts {
    return {
      github: githubContextFor(event, context),
      steps: { meta: { outputs: meta } },
      secrets: { GITHUB_TOKEN: 'ghs_exampleTokenValue123' },
    };
  }

  const nothingStored = () => !existsSync(path.join(registry.dir, 'data/docker/registry/v2/blobs'));

  test('a pull request builds every platform and pushes nothing, not even a cache', async () => {
    const meta = metadataOutputs('pr-42', ['pr-42', 'sha-def4560'], PR_SHA);
    const inputs = evaluatedInputs('ghcr-release', contexts(PULL_REQUEST, meta), registry.address);
    expect(inputs.push).toBe('false');
    expect(inputs['cache-to']).toBe('');
    const run = await runAction({ ...inputs, network: 'host' }, { cwd: context, github: PULL_REQUEST });
    if (classic) {
      expect(errorsOf(run.main)).toContain(
        'a manifest-level annotation, which the docker driver on the classic image store cannot write',
      );
      expect(errorsOf(run.main)).toContain('manifest:org.opencontainers.image.created=');
      expect(run.main.log).not.toContain('::group::Building');
    } else {
      expect(errorsOf(run.main)).toBe('');
      const digests = JSON.parse(run.outputs['platform-digests'] ?? '{}') as Record<string, string>;
      expect(Object.keys(digests)).toEqual(Object.keys(PLATFORMS));
      expect(run.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    expect(run.main.exitCode).toBe(classic ? 1 : 0);
    expect(await catalog(registry.address)).toEqual([]);
    expect(nothingStored()).toBe(true);
  });

  test('a v1.2.3 tag pushes semver, latest and sha tags with labels, manifest annotations and a registry cache', async () => {
    const meta = metadataOutputs('1.2.3', ['1.2.3', '1.2', 'sha-abc1230', 'latest'], TAG_SHA);
    const inputs = evaluatedInputs('ghcr-release', contexts(TAG_PUSH, meta), registry.address);
    expect(inputs.push).toBe('true');
    expect(inputs['cache-to']).toBe(`type=registry,ref=${registry.address}/acme/demo:buildcache,mode=max`);
    const run = await runAction({ ...inputs, network: 'host' }, { cwd: context, github: TAG_PUSH });
    if (classic) {
      const errors = errorsOf(run.main);
      expect(errors).toContain(
        `Input 'cache-to' has 'type=registry,ref=${registry.address}/acme/demo:buildcache,mode=max', which the docker driver cannot export`,
      );
      expect(errors).toContain('a manifest-level annotation');
      expect(run.main.log).not.toContain('::group::Building');
      expect(await catalog(registry.address)).toEqual([]);
      expect(nothingStored()).toBe(true);
      return;
    }
    expect(errorsOf(run.main)).toBe('');
    const tags = await tagsOf(registry.address, 'acme/demo');
    expect(tags.filter((t) => !t.startsWith('buildcache')).sort()).toEqual([
      '1.2',
      '1.2.3',
      'latest',
      'sha-abc1230',
    ]);
    const ep = { url: `http://${registry.address}` };
    // The cache went where cache-to said (the action appends the platforms it covers to a shared ref).
    const caches = tags.filter((t) => t.startsWith('buildcache'));
    expect(caches.length).toBeGreaterThan(0);
    for (const tag of caches) {
      expect(tag).toMatch(/^buildcache-linux-/);
      expect((await readManifest(ep, 'acme/demo', tag)).toString()).toContain(
        'application/vnd.buildkit.cacheconfig.v0',
      );
    }
    const digests = JSON.parse(run.outputs['platform-digests'] ?? '{}') as Record<string, string>;
    for (const [platform, cpu] of Object.entries(PLATFORMS)) {
      const digest = digests[platform] ?? '';
      const manifest = JSON.parse((await readManifest(ep, 'acme/demo', digest)).toString()) as {
        annotations?: Record<string, string>;
      };
      expect(manifest.annotations, platform).toMatchObject({
        'org.opencontainers.image.version': '1.2.3',
        'org.opencontainers.image.revision': TAG_SHA,
        'org.opencontainers.image.description': 'A demo of multi-arch releases',
      });
      const pinned = `${registry.address}/acme/demo@${digest}`;
      const config = JSON.parse(
        execFileSync('skopeo', ['inspect', '--tls-verify=false', '--config', `docker://${pinned}`], {
          encoding: 'utf8',
        }),
      ) as { architecture: string; config: { Labels: Record<string, string> } };
      expect(config.config.Labels).toMatchObject({
        'org.opencontainers.image.version': '1.2.3',
        'org.opencontainers.image.source': 'https://github.com/acme/demo',
        'org.opencontainers.image.revision': TAG_SHA,
      });
      try {
        const out = execFileSync(
          'docker',
          ['run', '--rm', '--network', 'host', '--platform', platform, pinned],
          {
            encoding: 'utf8',
          },
        );
        expect(out.trim(), platform).toBe(`1.2.3 ${cpu}`);
      } finally {
        execFileSync('docker', ['image', 'rm', '--force', pinned], { stdio: 'ignore' });
      }
    }
    // Every tag names the one index the action reported.
    for (const tag of ['1.2.3', '1.2', 'sha-abc1230', 'latest']) {
      const bytes = await readManifest(ep, 'acme/demo', tag);
      expect(`sha256:${createHash('sha256').update(bytes).digest('hex')}`, tag).toBe(run.outputs.digest);
    }
  });
});
