// examples/build-push-drop-in: a docker/* workflow whose build-push-action
// step changed only its `uses:`. Its step runs through dist/ with
// metadata-action's outputs filled in as metadata-action writes them (tags,
// labels, and index: / manifest-descriptor: annotations from
// DOCKER_METADATA_ANNOTATIONS_LEVELS), on either engine.
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { errorsOf, leaks, runAction } from '../../support/action-runner.js';
import { readManifest } from '../../support/images.js';
import { useExampleTarget } from '../helpers/example-target.js';
import { exampleInputs } from '../helpers/examples.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';

const skip = skipWithoutPrereqs();

/** What docker/metadata-action v5 writes for a push to main of commit abc1230. */
const META = {
  'steps.meta.outputs.tags': 'ghcr.io/acme/demo:main\nghcr.io/acme/demo:sha-abc1230',
  'steps.meta.outputs.labels': [
    'org.opencontainers.image.title=demo',
    'org.opencontainers.image.revision=abc1230000000000000000000000000000000000',
    'org.opencontainers.image.version=main',
  ].join('\n'),
  'steps.meta.outputs.annotations': [
    'index:org.opencontainers.image.title=demo',
    'index:org.opencontainers.image.version=main',
    'manifest-descriptor:org.opencontainers.image.title=demo',
    'manifest-descriptor:org.opencontainers.image.version=main',
  ].join('\n'),
  'steps.meta.outputs.version': 'main',
  "github.event_name != 'pull_request'": 'true',
  'github.repository': 'acme/demo',
  'secrets.GITHUB_TOKEN': 'ghs_exampleTokenValue123',
};

describe.skipIf(skip)('example build-push-drop-in', () => {
  const h = useExampleTarget('build-push-drop-in');

  test("build-push-action's step with only uses: changed: tags, labels, annotations, build args, a secret", async () => {
    const inputs = exampleInputs('build-push-drop-in', META, h.registry.address);
    const run = await runAction({ ...inputs, network: 'host' }, { cwd: h.context });
    expect(errorsOf(run.main)).toBe('');
    const ep = { url: `http://${h.registry.address}` };
    const index = JSON.parse((await readManifest(ep, 'acme/demo', 'sha-abc1230')).toString()) as {
      annotations?: Record<string, string>;
      manifests: { digest: string; annotations?: Record<string, string> }[];
    };
    expect(index.annotations).toEqual({
      'org.opencontainers.image.title': 'demo',
      'org.opencontainers.image.version': 'main',
    });
    expect(index.manifests).toHaveLength(2);
    for (const m of index.manifests)
      expect(m.annotations).toMatchObject({ 'org.opencontainers.image.version': 'main' });
    const digests = JSON.parse(run.outputs['platform-digests'] ?? '{}') as Record<string, string>;
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      const pinned = `${h.registry.address}/acme/demo@${digests[platform]}`;
      try {
        const out = execFileSync('docker', ['run', '--rm', '--network', 'host', pinned], {
          encoding: 'utf8',
        });
        expect(out.trim(), platform).toBe('main');
        const config = execFileSync(
          'skopeo',
          ['inspect', '--tls-verify=false', '--config', `docker://${pinned}`],
          {
            encoding: 'utf8',
          },
        );
        expect(config).toContain(
          '"org.opencontainers.image.revision": "abc1230000000000000000000000000000000000"',
        );
      } finally {
        execFileSync('docker', ['image', 'rm', '--force', pinned], { stdio: 'ignore' });
      }
    }
    expect(run.outputs.imageid).toBe(run.outputs.digest);
    expect(JSON.parse(run.outputs.metadata ?? '{}')).toMatchObject({
      'containerimage.digest': run.outputs.digest,
      'image.name': `${h.registry.address}/acme/demo:main,${h.registry.address}/acme/demo:sha-abc1230`,
    });
    expect(leaks(run, 'ghs_exampleTokenValue123')).toEqual([]);
  });
});
