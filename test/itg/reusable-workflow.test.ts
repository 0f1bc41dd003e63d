// .github/workflows/multiarch.yml run job by job as the runner would: the plan
// step (its node24 action), then each matrix row's build step through dist/
// on its own "runner" (RUNNER_TEMP, docker config), its digest file "uploaded"
// under the step's artifact name, then the merge step on the files its
// download step's pattern matches. Every `with:` comes from the workflow file,
// `${{ }}` filled from the call; the target registry wants the credentials the
// call passes as secrets.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, leaks, runAction } from '../../support/action-runner.js';
import { addBusybox } from '../../support/contexts.js';
import { retarget } from '../helpers/examples.js';
import { SELF_USES } from '../helpers/action-name.js';
import { skopeoLabels, skopeoRaw } from '../helpers/skopeo.js';
import {
  Artifacts,
  fill,
  jobDockerConfig,
  prefixed,
  secretsOf,
  stepWith,
  type Call,
  type Leg,
  type Planned,
} from '../helpers/workflow-jobs.js';
import { engine, skipWithoutPrereqs } from '../helpers/prereqs.js';
import { startRegistry, tagsOf, type TestRegistry } from '../../support/registry.js';
import { sha256 } from '../../support/images.js';
import { actionWith, callInputs, matrixRows, readWorkflow, runPlan } from '../helpers/reusable-workflow.js';

const skip = skipWithoutPrereqs();
const wf = readWorkflow();
const USER = 'fan';
const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;

const DOCKERFILE =
  'FROM scratch\nARG TARGETARCH\nCOPY busybox/${TARGETARCH} /bin/busybox\n' +
  'RUN ["/bin/busybox", "--install", "-s", "/bin"]\n' +
  'RUN --mount=type=secret,id=token sha256sum /run/secrets/token | cut -d" " -f1 > /secret-sha\n' +
  'RUN uname -m > /built-on\n';

/** github.token in the build step's `secrets.github-token || github.token`: no Git context here. */
const GITHUB_TOKEN = { 'secrets.github-token || github.token': '' };

describe.skipIf(skip)('reusable workflow multiarch.yml, job by job', () => {
  let target: TestRegistry;
  let context: string;
  let artifacts: Artifacts;
  const dirs: string[] = [];
  const tempDir = (name: string) => {
    const d = mkdtempSync(path.join(os.tmpdir(), `${name}-`));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    target = await startRegistry({ user: USER, password: PASSWORD });
    context = tempDir('ctx-reusable');
    addBusybox(context);
    writeFileSync(path.join(context, 'Dockerfile.fan'), DOCKERFILE);
    artifacts = new Artifacts(tempDir('run-artifacts'));
  });
  afterAll(async () => {
    await target?.stop();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  const tagsList = (repo: string) => tagsOf(target.address, repo, `${USER}:${PASSWORD}`);

  function inputsOf(call: Call): Record<string, string> {
    const given = { ...call.with, tags: retarget(call.with.tags ?? '', target.address) };
    return prefixed('inputs', callInputs(wf, given));
  }

  async function plan(call: Call) {
    const inputs = inputsOf(call);
    const callJson = JSON.stringify(inputs);
    const planWith = stepWith(wf, 'plan', `${SELF_USES}/.github/actions/fan-out-plan`);
    const table = { ...inputs, 'toJSON(inputs)': callJson, 'steps.meta.outputs.json': call.meta ?? '' };
    const run = await runPlan(fill(planWith, table));
    expect(run.exitCode, run.log).toBe(0);
    const needs = prefixed('needs.plan.outputs', {
      prefix: run.outputs.prefix ?? '',
      tags: run.outputs.tags ?? '',
      labels: run.outputs.labels ?? '',
      annotations: run.outputs.annotations ?? '',
      'build-annotations': run.outputs['build-annotations'] ?? '',
    });
    return { rows: matrixRows(run), prefix: run.outputs.prefix ?? '', needs };
  }

  /** The build job of each matrix row, side by side, each on a runner of its own. */
  async function buildLegs(call: Call, { rows, needs }: Planned): Promise<Leg[]> {
    const base = { ...inputsOf(call), ...secretsOf(wf, call), ...needs, ...GITHUB_TOKEN };
    return Promise.all(
      rows.map(async (row) => {
        const runnerTemp = tempDir('runner-temp');
        const dockerConfig = jobDockerConfig(tempDir('runner-docker'), call.secrets['registry-auths']);
        const matrix = prefixed('matrix', { platform: row.platform, slug: row.slug });
        const table = { ...base, ...matrix, 'runner.temp': runnerTemp };
        // The runner makes nothing under runner.temp: the digest file's directory must be runner.temp itself.
        const build = fill(actionWith(wf.jobs.build ?? { steps: [] }), table);
        const run = await runAction(build, { cwd: context, env: { DOCKER_CONFIG: dockerConfig } });
        if (run.main.exitCode === 0 && call.with.push !== 'false')
          artifacts.upload(fill(stepWith(wf, 'build', 'actions/upload-artifact@'), table));
        return { row, run };
      }),
    );
  }

  async function merge(call: Call, { needs }: Planned) {
    const table = {
      ...inputsOf(call),
      ...secretsOf(wf, call),
      ...needs,
      'runner.temp': tempDir('merge-temp'),
    };
    const downloaded = artifacts.download(fill(stepWith(wf, 'merge', 'actions/download-artifact@'), table));
    const dockerConfig = jobDockerConfig(tempDir('merge-docker'), call.secrets['registry-auths']);
    const run = await runAction(fill(actionWith(wf.jobs.merge ?? { steps: [] }), table), {
      env: { DOCKER_CONFIG: dockerConfig },
    });
    return { run, downloaded };
  }

  /** A call of the workflow building Dockerfile.fan for `platforms` into `tags`, with `more` inputs. */
  const callOf = (
    platforms: string,
    tags: string,
    secrets: Record<string, string>,
    more: Record<string, string> = {},
  ): Call => ({ with: { platforms, tags, file: 'Dockerfile.fan', network: 'host', ...more }, secrets });

  /** The manifest's bytes at `ref` (skopeo, logged in as `user`) and their digest. */
  const readRaw = (ref: string, user = USER) => {
    const raw = skopeoRaw(ref, { creds: `${user}:${PASSWORD}` });
    return { raw, digest: sha256(raw) };
  };
  const labelsOf = (ref: string) => skopeoLabels(ref, `${USER}:${PASSWORD}`);

  const secret = `s3cret-${randomBytes(8).toString('hex')}`;
  const secrets = { username: USER, password: PASSWORD, 'build-secrets': `token=${secret}` };
  const main = callOf('linux/amd64,linux/arm64', 'ghcr.io/acme/fanned:1.0', secrets, {
    'no-cache': 'true',
    labels: 'org.example.leg=built by the reusable workflow',
    annotations: 'org.opencontainers.image.description=fanned out',
    'test-command': `test "$(cat /secret-sha)" = "${createHash('sha256').update(secret).digest('hex')}"`,
  });
  // A second call of the workflow in the same run, into another repository.
  const other = callOf('linux/amd64', 'ghcr.io/acme/other:1.0', secrets);

  test('plan, build legs, merge: one index at the tag, the secrets reach each leg and no log', async () => {
    const mainPlan = await plan(main);
    expect(mainPlan.rows.map((r) => [r.platform, r.runner])).toEqual([
      ['linux/amd64', 'ubuntu-24.04'],
      ['linux/arm64', 'ubuntu-24.04-arm'],
    ]);
    const otherPlan = await plan(other);
    expect(otherPlan.prefix).not.toBe(mainPlan.prefix);

    const mainLegs = await buildLegs(main, mainPlan);
    const otherLegs = await buildLegs(other, otherPlan);
    for (const leg of [...mainLegs, ...otherLegs]) {
      expect(errorsOf(leg.run.main), leg.row.platform).toBe('');
      expect(leaks(leg.run, secret, PASSWORD)).toEqual([]);
    }
    // The smoke test compares the secret's hash inside each image: the secret reached every leg.
    for (const leg of mainLegs) expect(leg.run.main.log).toContain(`::group::Testing ${leg.row.platform}`);
    // Pushed by digest only: no tag before the merge.
    expect(await tagsList('acme/fanned')).toEqual([]);

    const merged = await merge(main, mainPlan);
    expect(errorsOf(merged.run.main)).toBe('');
    expect(leaks(merged.run, secret, PASSWORD)).toEqual([]);
    // Only this call's artifacts: the other call's digest file is not mixed in.
    expect(merged.downloaded).toEqual([`${mainPlan.prefix}_linux-amd64`, `${mainPlan.prefix}_linux-arm64`]);
    const outputs = merged.run.outputs;
    expect(Object.keys(JSON.parse(outputs['platform-digests'] ?? '{}') as object).sort()).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
    expect(outputs.image).toBe(`${target.address}/acme/fanned@${outputs.digest}`);
    expect(JSON.parse(outputs.metadata ?? '{}')).toMatchObject({ digest: outputs.digest });
    const { raw, digest } = readRaw(`${target.address}/acme/fanned:1.0`);
    expect(digest).toBe(outputs.digest);
    const index = JSON.parse(raw.toString()) as { annotations?: Record<string, string> };
    expect(index.annotations?.['org.opencontainers.image.description']).toBe('fanned out');
    const digests = JSON.parse(outputs['platform-digests'] ?? '{}') as Record<string, string>;
    expect(labelsOf(`${target.address}/acme/fanned@${digests['linux/arm64']}`)['org.example.leg']).toBe(
      'built by the reusable workflow',
    );

    const otherMerged = await merge(other, otherPlan);
    expect(errorsOf(otherMerged.run.main)).toBe('');
    expect(otherMerged.downloaded).toEqual([`${otherPlan.prefix}_linux-amd64`]);
    expect(Object.keys(JSON.parse(otherMerged.run.outputs['platform-digests'] ?? '{}') as object)).toEqual([
      'linux/amd64',
    ]);
  });

  test('a failed leg leaves no tag: the other leg pushed by digest only, and the merge never runs', async () => {
    const failing = callOf(
      'linux/amd64,linux/arm64',
      'ghcr.io/acme/half:1.0',
      { username: USER, password: PASSWORD },
      { 'test-command': 'test "$(cat /built-on)" = x86_64' },
    );
    const legs = await buildLegs(failing, await plan(failing));
    const [amd64, arm64] = legs;
    expect(errorsOf(amd64?.run.main ?? { exitCode: 0, log: '' })).toBe('');
    expect(arm64?.run.main.exitCode).not.toBe(0);
    // The merge job needs every build job: with one failed, the runner skips it.
    expect([wf.jobs.merge?.needs].flat()).toContain('build');
    expect(legs.every((l) => l.run.main.exitCode === 0)).toBe(false);
    expect(await tagsList('acme/half')).toEqual([]);
  });
  test('push: false builds and tests every leg and pushes nothing: no digest artifact, no merge job', async () => {
    const pr: Call = {
      with: { platforms: 'linux/amd64,linux/arm64', push: 'false', file: 'Dockerfile.fan', network: 'host' },
      secrets: { 'build-secrets': `token=${secret}` },
    };
    const planned = await plan(pr);
    const before = readdirSync(artifacts.dir).length;
    const legs = await buildLegs(pr, planned);
    for (const leg of legs) {
      expect(errorsOf(leg.run.main), leg.row.platform).toBe('');
      expect(leg.run.main.log).toContain(`::group::Building ${leg.row.platform}`);
    }
    expect(readdirSync(artifacts.dir).length).toBe(before);
    expect(wf.jobs.merge?.if).toBe('${{ inputs.push }}');
  });

  test("metadata-action's tags, labels and annotations reach every leg and the index; registry-auths logs every job in", async () => {
    // A second registry with its own login: the tags span two registries, each job logs in to both.
    const second = await startRegistry({ user: 'other', password: PASSWORD });
    try {
      const auths = [
        `- registry: ${target.address}\n  username: ${USER}\n  password: ${PASSWORD}`,
        `- registry: ${second.address}\n  username: other\n  password: ${PASSWORD}`,
      ].join('\n');
      // As metadata-action writes them with DOCKER_METADATA_ANNOTATIONS_LEVELS=manifest,index;
      // the classic store cannot write manifest-level ones (the action says so), so there only index.
      const levels = engine().containerdStore ? ['manifest', 'index'] : ['index'];
      const meta = JSON.stringify({
        tags: [`${target.address}/acme/meta:2.0`, `${second.address}/acme/meta:2.0`],
        labels: { 'org.opencontainers.image.version': '2.0' },
        annotations: levels.map((l) => `${l}:org.opencontainers.image.version=2.0`),
      });
      const call: Call = {
        with: {
          platforms: 'linux/amd64,linux/arm64',
          'meta-images': `${target.address}/acme/meta\n${second.address}/acme/meta`,
          'meta-tags': 'type=raw,value=2.0',
          'set-meta-labels': 'true',
          'set-meta-annotations': 'true',
          file: 'Dockerfile.fan',
          network: 'host',
        },
        secrets: { 'registry-auths': auths, 'build-secrets': `token=${secret}` },
        meta,
      };
      const planned = await plan(call);
      const legs = await buildLegs(call, planned);
      for (const leg of legs) {
        expect(errorsOf(leg.run.main), leg.row.platform).toBe('');
        expect(leaks(leg.run, PASSWORD)).toEqual([]);
      }
      const merged = await merge(call, planned);
      expect(errorsOf(merged.run.main)).toBe('');
      const digest = merged.run.outputs.digest ?? '';
      for (const [reg, user] of [
        [target.address, USER],
        [second.address, 'other'],
      ] as const) {
        const read = readRaw(`${reg}/acme/meta:2.0`, user);
        expect(read.digest).toBe(digest);
        const index = JSON.parse(read.raw.toString()) as { annotations?: Record<string, string> };
        expect(index.annotations?.['org.opencontainers.image.version']).toBe('2.0');
      }
      const digests = JSON.parse(merged.run.outputs['platform-digests'] ?? '{}') as Record<string, string>;
      expect(
        labelsOf(`${target.address}/acme/meta@${digests['linux/arm64']}`)['org.opencontainers.image.version'],
      ).toBe('2.0');
      if (levels.includes('manifest'))
        for (const [platform, d] of Object.entries(digests)) {
          const manifest = JSON.parse(readRaw(`${target.address}/acme/meta@${d}`).raw.toString()) as {
            annotations?: Record<string, string>;
          };
          expect(manifest.annotations?.['org.opencontainers.image.version'], platform).toBe('2.0');
        }
    } finally {
      await second.stop();
    }
  });
});
