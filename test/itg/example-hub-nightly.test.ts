// examples/hub-nightly: a scheduled Docker Hub nightly whose build-push-action
// step changed only its `uses:`: a multi-stage docker/Dockerfile built from the
// repository root to its `runtime` stage, build args from the run's commit and
// from metadata-action, provenance and SBOM off, `load: true`; then the job's
// later `run:` step, run with bash as the runner would, uses the loaded image.
// Its `${{ }}` are evaluated against the github context of a `schedule` event;
// metadata-action's outputs are what v5.7.0 writes for it; `env.IMAGE` (the
// workflow's docker.io/acme/demo) is pointed at the test registry, as the tags are.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, runAction } from '../../support/action-runner.js';
import { addBusybox, exampleContext } from '../../support/contexts.js';
import type { GitHubEvent } from '../../support/github-env.js';
import { startRegistry, tagsOf, type TestRegistry } from '../../support/registry.js';
import {
  evaluatedInputs,
  githubContextFor,
  laterRunScripts,
  retargetName,
  workflowEnv,
} from '../helpers/examples.js';
import type { Contexts } from '../helpers/expressions.js';
import { engine, skipWithoutPrereqs } from '../helpers/prereqs.js';
import { runImage } from '../helpers/run-image.js';
import { skopeoLabels } from '../helpers/skopeo.js';

const skip = skipWithoutPrereqs();
const SHA = '5ca1ab1e00000000000000000000000000000000';
const NIGHTLY: GitHubEvent = { event: 'schedule', branch: 'main', cron: '17 3 * * *', sha: SHA };
const PLATFORMS = { 'linux/amd64': 'x86_64', 'linux/arm64': 'aarch64' };

/** docker/metadata-action v5.7.0's outputs for this workflow's `images`/`tags`: one version, its tags. */
function metadataOutputs(version: string, tags: string[], sha: string): Record<string, string> {
  return {
    version,
    tags: tags.map((t) => `docker.io/acme/demo:${t}`).join('\n'),
    labels: [
      'org.opencontainers.image.created=2026-12-05T03:17:09.000Z',
      'org.opencontainers.image.description=',
      'org.opencontainers.image.licenses=',
      `org.opencontainers.image.revision=${sha}`,
      'org.opencontainers.image.source=https://github.com/acme/demo',
      'org.opencontainers.image.title=demo',
      'org.opencontainers.image.url=https://github.com/acme/demo',
      `org.opencontainers.image.version=${version}`,
    ].join('\n'),
  };
}

describe.skipIf(skip)('example hub-nightly', () => {
  let registry: TestRegistry;
  let context = '';
  let image = '';
  beforeAll(async () => {
    registry = await startRegistry();
    context = exampleContext('hub-nightly');
    addBusybox(context); // the build context is the root, where the workflow's first step puts busybox/
    image = retargetName(workflowEnv('hub-nightly').IMAGE ?? '', registry.address);
  });
  afterAll(async () => {
    for (const tag of ['nightly', '20261205', 'main'])
      execFileSync('docker', ['image', 'rm', '--force', `${image}:${tag}`], { stdio: 'ignore' });
    await registry?.stop();
    rmSync(context, { recursive: true, force: true });
  });

  /** The job for an event: the action's step, then the later run: step with the build's outputs. */
  async function runJob(event: GitHubEvent, meta: Record<string, string>) {
    const contexts = (digest: string): Contexts => ({
      github: githubContextFor(event, context),
      env: { IMAGE: image },
      steps: { meta: { outputs: meta }, build: { outputs: { digest } } },
      secrets: { DOCKERHUB_USERNAME: 'acme', DOCKERHUB_TOKEN: 'dckr_pat_exampleToken' },
    });
    const inputs = evaluatedInputs('hub-nightly', contexts(''), registry.address);
    expect(inputs['build-args']).toContain(`GIT_SHA=${event.sha}\n`);
    const run = await runAction({ ...inputs, network: 'host' }, { cwd: context, github: event });
    expect(errorsOf(run.main)).toBe('');
    const [script] = laterRunScripts('hub-nightly', contexts(run.outputs.digest ?? ''));
    const later = () => execFileSync('bash', ['-e', '-c', script ?? ''], { encoding: 'utf8', cwd: context });
    return { run, later };
  }

  test('the runtime stage of every platform, with the commit in its build args, loaded for the next step', async () => {
    const { run, later } = await runJob(NIGHTLY, metadataOutputs('nightly', ['nightly', '20261205'], SHA));
    expect((await tagsOf(registry.address, 'acme/demo')).sort()).toEqual(['20261205', 'nightly']);

    // load: true put the image in the engine under its tags before the next step runs it.
    const loaded = execFileSync(
      'docker',
      ['image', 'inspect', '--format', '{{.Architecture}}', `${image}:nightly`],
      {
        encoding: 'utf8',
      },
    );
    expect(loaded.trim()).toBe('amd64');
    const out = later();
    expect(out).toContain(`hello from demo\nnightly ${SHA} nightly x86_64\n`);
    expect(out).toMatch(/^sha256:[0-9a-f]{64} amd64$/m);
    expect(out).toContain(`pushed ${run.outputs.digest}`);
    if (engine().containerdStore)
      expect(run.main.log).toContain('Loaded linux/amd64, linux/arm64 into the engine');
    else expect(run.main.log).toContain('Loaded linux/amd64 into the engine');
    // What was pushed: the runtime stage (not debug, the last one), for each CPU, from this commit.
    const digests = JSON.parse(run.outputs['platform-digests'] ?? '{}') as Record<string, string>;
    expect(Object.keys(digests)).toEqual(Object.keys(PLATFORMS));
    for (const [platform, cpu] of Object.entries(PLATFORMS)) {
      const pinned = `${image}@${digests[platform]}`;
      const about = runImage(pinned, { platform, command: ['sh', '-c', 'cat /usr/share/demo/*'] });
      expect(about, platform).toBe(`hello from demo\nnightly ${SHA} nightly ${cpu}`);
      expect(skopeoLabels(pinned)['org.opencontainers.image.revision']).toBe(SHA);
    }
    // provenance: false, sbom: false: an index of the two images and nothing else.
    const raw = execFileSync(
      'skopeo',
      ['inspect', '--tls-verify=false', '--raw', `docker://${image}:nightly`],
      {
        encoding: 'utf8',
      },
    );
    expect((JSON.parse(raw) as { manifests: unknown[] }).manifests).toHaveLength(2);
  });

  test('run by hand (workflow_dispatch): the branch tag, and the later step runs that build', async () => {
    const sha = 'd15ba7c400000000000000000000000000000000';
    const dispatch: GitHubEvent = { event: 'workflow_dispatch', branch: 'main', sha };
    const { run, later } = await runJob(dispatch, metadataOutputs('main', ['main'], sha));
    expect((await tagsOf(registry.address, 'acme/demo')).sort()).toEqual(['20261205', 'main', 'nightly']);
    const out = later();
    expect(out).toContain(`hello from demo\nmain ${sha} nightly x86_64\n`);
    expect(out).toContain(`pushed ${run.outputs.digest}`);
  });
});
