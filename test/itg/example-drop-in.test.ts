// examples/build-push-drop-in: a docker/* workflow whose build-push-action
// step changed only its `uses:`. Its step runs through dist/ with
// metadata-action's outputs filled in as metadata-action writes them (tags,
// labels, and index: / manifest-descriptor: annotations from
// DOCKER_METADATA_ANNOTATIONS_LEVELS) and its other expressions evaluated for
// a push to main, on either engine.
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { errorsOf, leaks, runAction } from '../../support/action-runner.js';
import { readManifest } from '../../support/images.js';
import type { GitHubEvent } from '../../support/github-env.js';
import { useExampleTarget } from '../helpers/example-target.js';
import { evaluatedInputs, githubContextFor } from '../helpers/examples.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';

const skip = skipWithoutPrereqs();

const SHA = 'abc1230000000000000000000000000000000000';
const PUSH_MAIN: GitHubEvent = { event: 'push', branch: 'main', sha: SHA };

/** What docker/metadata-action v5 writes for a push to main of commit abc1230. */
const META = {
  tags: 'ghcr.io/acme/demo:main\nghcr.io/acme/demo:sha-abc1230',
  labels: [
    'org.opencontainers.image.title=demo',
    `org.opencontainers.image.revision=${SHA}`,
    'org.opencontainers.image.version=main',
  ].join('\n'),
  annotations: [
    'index:org.opencontainers.image.title=demo',
    'index:org.opencontainers.image.version=main',
    'manifest-descriptor:org.opencontainers.image.title=demo',
    'manifest-descriptor:org.opencontainers.image.version=main',
  ].join('\n'),
  version: 'main',
};

describe.skipIf(skip)('example build-push-drop-in', () => {
  const h = useExampleTarget('build-push-drop-in');

  test("build-push-action's step with only uses: changed: tags, labels, annotations, build args, a secret", async () => {
    const inputs = evaluatedInputs(
      'build-push-drop-in',
      {
        github: githubContextFor(PUSH_MAIN, h.context),
        steps: { meta: { outputs: META } },
        secrets: { GITHUB_TOKEN: 'ghs_exampleTokenValue123' },
      },
      h.registry.address,
    );
    expect(inputs.push).toBe('true');
    const run = await runAction({ ...inputs, network: 'host' }, { cwd: h.context, github: PUSH_MAIN });
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
