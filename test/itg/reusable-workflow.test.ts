// .github/workflows/multiarch.yml run job by job as the runner would: the plan
// step (its node24 action), then each matrix row's build step through dist/
// on its own "runner" (RUNNER_TEMP, docker config), its digest file "uploaded"
// under the step's artifact name, then the merge step on the files its
// download step's pattern matches. Every `with:` comes from the workflow file,
// `${{ }}` filled from the call; the target registry wants the credentials the
// call passes as secrets.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { errorsOf, leaks, runAction, type ActionRun } from '../../support/action-runner.js';
import { addBusybox } from '../../support/contexts.js';
import { fillExpressions, retarget } from '../helpers/examples.js';
import { SELF_USES } from '../helpers/action-name.js';
import { skopeoRaw } from '../helpers/skopeo.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { startRegistry, type TestRegistry } from '../../support/registry.js';
import {
  actionWith,
  callInputs,
  matrixRows,
  readWorkflow,
  runPlan,
  type MatrixRow,
  type Step,
} from '../helpers/reusable-workflow.js';

const skip = skipWithoutPrereqs();
const wf = readWorkflow();
const USER = 'fan';
const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;

const DOCKERFILE =
  'FROM scratch\nARG TARGETARCH\nCOPY busybox/${TARGETARCH} /bin/busybox\n' +
  'RUN ["/bin/busybox", "--install", "-s", "/bin"]\n' +
  'RUN --mount=type=secret,id=token sha256sum /run/secrets/token | cut -d" " -f1 > /secret-sha\n' +
  'RUN uname -m > /built-on\n';

function stepWith(job: string, uses: string): Record<string, string> {
  const step = wf.jobs[job]?.steps.find((s: Step) => s.uses?.startsWith(uses));
  if (!step) throw new Error(`job ${job} has no step using ${uses}`);
  return Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, String(v)]));
}

function fill(values: Record<string, string>, table: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, fillExpressions(v, table)]));
}

function prefixed(name: string, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${name}.${k}`, v]));
}

/** One workflow run's artifact storage, shared by every call in it: NAME -> files. */
class Artifacts {
  constructor(readonly dir: string) {}
  upload(w: Record<string, string>): void {
    const into = path.join(this.dir, w.name ?? '');
    mkdirSync(into); // upload-artifact v4 refuses a second artifact of one name in a run
    copyFileSync(w.path ?? '', path.join(into, path.basename(w.path ?? '')));
  }
  /** download-artifact with pattern and merge-multiple: every matching artifact's files in one dir. */
  download(w: Record<string, string>): string[] {
    const re = new RegExp(`^${(w.pattern ?? '').replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`);
    const names = readdirSync(this.dir).filter((n) => re.test(n));
    mkdirSync(w.path ?? '', { recursive: true });
    for (const n of names)
      for (const f of readdirSync(path.join(this.dir, n)))
        copyFileSync(path.join(this.dir, n, f), path.join(w.path ?? '', f));
    return names.sort();
  }
}

interface Call {
  with: Record<string, string>;
  secrets: Record<string, string>;
  /** What docker/metadata-action's json output would be (its step runs only with meta-images). */
  meta?: string;
}

/**
 * What docker/login-action's registry-auth does on a job: `docker login` per
 * entry of the YAML list, into the job's docker config (the action reads it).
 */
function loginAll(registryAuths: string, dockerConfig: string): void {
  const entries = parse(registryAuths) as { registry: string; username: string; password: string }[];
  for (const e of entries)
    execFileSync('docker', ['login', e.registry, '--username', e.username, '--password-stdin'], {
      input: e.password,
      env: { ...process.env, DOCKER_CONFIG: dockerConfig },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
}

interface Planned {
  rows: MatrixRow[];
  prefix: string;
  /** needs.plan.outputs.*: what the build and merge jobs read from the plan job. */
  needs: Record<string, string>;
}

/** github.token in the build step's `secrets.github-token || github.token`: no Git context here. */
const GITHUB_TOKEN = { 'secrets.github-token || github.token': '' };

interface Leg {
  row: MatrixRow;
  run: ActionRun;
}

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

  const tagsList = async (repo: string) => {
    const res = await fetch(`${target.url}/v2/${repo}/tags/list`, {
      headers: { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` },
    });
    return res.status === 404 ? [] : (((await res.json()) as { tags: string[] | null }).tags ?? []);
  };
  const skopeo = (...args: string[]) =>
    execFileSync('skopeo', [...args, '--tls-verify=false', `--creds=${USER}:${PASSWORD}`], {
      encoding: 'utf8',
    });

  /** `secrets.*`: what the call passes, '' for a declared secret it does not. */
  function secretsOf(call: Call): Record<string, string> {
    const declared = Object.keys(wf.on.workflow_call.secrets);
    return prefixed('secrets', Object.fromEntries(declared.map((n) => [n, call.secrets[n] ?? ''])));
  }

  function inputsOf(call: Call): Record<string, string> {
    const given = { ...call.with, tags: retarget(call.with.tags ?? '', target.address) };
    return prefixed('inputs', callInputs(wf, given));
  }

  /** A runner's docker config: empty, or logged in to every registry-auths entry as the call's login step does. */
  function runnerDockerConfig(call: Call, name: string): string {
    const dockerConfig = tempDir(name);
    writeFileSync(path.join(dockerConfig, 'config.json'), '{}');
    if (call.secrets['registry-auths']) loginAll(call.secrets['registry-auths'], dockerConfig);
    return dockerConfig;
  }

  async function plan(call: Call) {
    const inputs = inputsOf(call);
    const callJson = JSON.stringify(inputs);
    const planWith = stepWith('plan', `${SELF_USES}/.github/actions/fan-out-plan`);
    const table = { ...inputs, 'toJSON(inputs)': callJson, 'steps.meta.outputs.json': call.meta ?? '' };
    const run = await runPlan(fill(planWith, table));
    expect(run.exitCode, run.log).toBe(0);
    const needs = prefixed('needs.plan.outputs', {
      prefix: run.outputs.prefix ?? '',
      tags: run.outputs.tags ?? '',
      labels: run.outputs.labels ?? '',
      annotations: run.outputs.annotations ?? '',
    });
    return { rows: matrixRows(run), prefix: run.outputs.prefix ?? '', needs };
  }

  /** The build job of each matrix row, side by side, each on a runner of its own. */
  async function buildLegs(call: Call, { rows, needs }: Planned): Promise<Leg[]> {
    const base = { ...inputsOf(call), ...secretsOf(call), ...needs, ...GITHUB_TOKEN };
    return Promise.all(
      rows.map(async (row) => {
        const runnerTemp = tempDir('runner-temp');
        const dockerConfig = runnerDockerConfig(call, 'runner-docker');
        const matrix = prefixed('matrix', { platform: row.platform, slug: row.slug });
        const table = { ...base, ...matrix, 'runner.temp': runnerTemp };
        // The runner makes nothing under runner.temp: the digest file's directory must be runner.temp itself.
        const build = fill(actionWith(wf.jobs.build ?? { steps: [] }), table);
        const run = await runAction(build, { cwd: context, env: { DOCKER_CONFIG: dockerConfig } });
        if (run.main.exitCode === 0 && call.with.push !== 'false')
          artifacts.upload(fill(stepWith('build', 'actions/upload-artifact@'), table));
        return { row, run };
      }),
    );
  }

  async function merge(call: Call, { needs }: Planned) {
    const table = {
      ...inputsOf(call),
      ...secretsOf(call),
      ...needs,
      'runner.temp': tempDir('merge-temp'),
    };
    const downloaded = artifacts.download(fill(stepWith('merge', 'actions/download-artifact@'), table));
    const dockerConfig = runnerDockerConfig(call, 'merge-docker');
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
    return { raw, digest: `sha256:${createHash('sha256').update(raw).digest('hex')}` };
  };
  /** The labels of the image config at `ref`. */
  const labelsOf = (ref: string) =>
    (
      JSON.parse(skopeo('inspect', '--config', `docker://${ref}`)) as {
        config: { Labels: Record<string, string> };
      }
    ).config.Labels;

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
      const meta = JSON.stringify({
        tags: [`${target.address}/acme/meta:2.0`, `${second.address}/acme/meta:2.0`],
        labels: { 'org.opencontainers.image.version': '2.0' },
        annotations: ['org.opencontainers.image.version=2.0'],
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
    } finally {
      await second.stop();
    }
  });
});
