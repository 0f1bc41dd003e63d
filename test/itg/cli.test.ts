// The command line as a user outside GitHub runs it: `node dist/cli.js` with
// no GITHUB_*, INPUT_*, RUNNER_* or STATE_* variable set, flags named as the
// inputs, two platforms pushed to a password-protected registry; the JSON it
// prints is checked against what the registry serves, the logs for terminal
// workflow commands and the password, and what is left on the machine. A
// second run is stopped with Ctrl-C (SIGINT) mid-build and must leave nothing.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { node24, ROOT } from '../../support/action-runner.js';
import { addBusybox, busyboxContext } from '../../support/contexts.js';
import { parse } from 'yaml';
import { startRegistry, type TestRegistry } from '../../support/registry.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';

const skip = skipWithoutPrereqs();
const USER = 'cli-user';
const PASSWORD = `cli-${Math.random().toString(36).slice(2)}-secret`;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A terminal's environment: none of the runner's variables, a TMPDIR of its own. */
function terminalEnv(tmp: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(GITHUB_|INPUT_|RUNNER_|STATE_|ACTIONS_)/.test(k)) env[k] = v;
  return { ...env, TMPDIR: tmp };
}

function startCli(args: string[], tmp: string, onStderr?: (text: string) => void) {
  const child = spawn(node24(), [path.join(ROOT, 'dist', 'cli.js'), ...args], {
    cwd: ROOT,
    env: terminalEnv(tmp),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: CliRun = { code: null, stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (run.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    run.stderr += d.toString();
    onStderr?.(run.stderr);
  });
  const done = new Promise<CliRun>((resolve) => child.once('close', (code) => resolve({ ...run, code })));
  return { child, done };
}

/** The manifest the registry serves for a tag, and its digest. */
async function served(registry: TestRegistry, repo: string, tag: string) {
  const res = await fetch(`${registry.url}/v2/${repo}/manifests/${tag}`, {
    headers: {
      authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`,
      accept: [
        'application/vnd.oci.image.index.v1+json',
        'application/vnd.docker.distribution.manifest.list.v2+json',
      ].join(', '),
    },
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
    index: JSON.parse(bytes.toString('utf8')) as { manifests: { platform?: { architecture: string } }[] },
  };
}

/** Run dirs, CLI temp dirs and registry processes a run could leave behind. */
function leftovers(tmp: string): string[] {
  const dirs = readdirSync(tmp).filter(
    (d) => d.startsWith('multiarch-') && !d.startsWith('multiarch-action-runs-'),
  );
  const procs = readdirSync('/proc').filter((p) => {
    if (!/^\d+$/.test(p)) return false;
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(tmp);
    } catch {
      return false;
    }
  });
  return [...dirs.map((d) => `dir ${d}`), ...procs.map((p) => `process ${p}`)];
}

describe.skipIf(skip)('node dist/cli.js outside GitHub Actions', () => {
  let registry: TestRegistry;
  let context: string;
  let slow: string;
  const tmps: string[] = [];
  const tmp = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-tmp-'));
    tmps.push(dir);
    return dir;
  };
  beforeAll(async () => {
    registry = await startRegistry({ user: USER, password: PASSWORD });
    context = busyboxContext({ Dockerfile: 'RUN uname -m > /built-on\n' });
    // A RUN no earlier run has cached: the engine may finish a build whose client was stopped, and a
    // cached sleep would let the run end before the Ctrl-C.
    slow = busyboxContext({ Dockerfile: `RUN sleep 120 # ${randomUUID()}\n` });
  });
  afterAll(async () => {
    await registry?.stop();
    for (const d of [context, slow, ...tmps]) if (d) rmSync(d, { recursive: true, force: true });
  });

  const flags = (tag: string, ctx = context) => [
    '--platforms=linux/amd64,linux/arm64',
    '--context',
    ctx,
    '--tags',
    `${registry.address}/cli/app:${tag}`,
    '--push',
    '--network',
    'host',
    '--username',
    USER,
    `--password=${PASSWORD}`,
  ];

  test('builds two platforms, pushes them, and prints the outputs as JSON matching the registry', async () => {
    const dir = tmp();
    const run = await startCli(flags('1.0'), dir).done;
    expect(run.code, run.stderr).toBe(0);
    const outputs = JSON.parse(run.stdout) as Record<string, string>;
    const index = await served(registry, 'cli/app', '1.0');
    expect(index.status).toBe(200);
    expect(outputs.digest).toBe(index.digest);
    expect(outputs.image).toBe(`${registry.address}/cli/app@${index.digest}`);
    expect(Object.keys(JSON.parse(outputs['platform-digests'] ?? '{}') as object).sort()).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
    expect(index.index.manifests.map((m) => m.platform?.architecture).sort()).toEqual(['amd64', 'arm64']);
    expect(run.stderr).toContain('== Building');
    expect(run.stderr).not.toMatch(/^::(group|endgroup|add-mask|debug)::/m);
    expect(`${run.stdout}\n${run.stderr}`).not.toContain(PASSWORD);
    expect(leftovers(dir)).toEqual([]);
  });

  test('Ctrl-C mid-build stops the build, cleans up and exits 1, leaving nothing running', async () => {
    const dir = tmp();
    let pressed = false;
    const { child, done } = startCli(flags('cancelled', slow), dir, (err) => {
      if (!pressed && /^(== )?Building linux\//m.test(err)) {
        pressed = true;
        setTimeout(() => child.kill('SIGINT'), 3000);
      }
    });
    const run = await done;
    expect(pressed, run.stderr).toBe(true);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Cancelled by SIGINT');
    expect(run.stderr).toContain('== Cleaning up');
    expect((await served(registry, 'cli/app', 'cancelled')).status).toBe(404);
    expect(leftovers(dir)).toEqual([]);
  });

  test('examples/cli/build.sh pushes and prints the digest the registry serves', async () => {
    const dir = tmp();
    const env = {
      ...terminalEnv(dir),
      PATH: `${path.dirname(node24())}:${process.env.PATH ?? ''}`,
      IMAGE: `${registry.address}/cli/sh:1.0`,
      CONTEXT: context,
      REGISTRY_USER: USER,
      REGISTRY_PASSWORD: PASSWORD,
      EXTRA_FLAGS: '--network host',
    };
    const run = await new Promise<CliRun>((resolve) => {
      const child = spawn('sh', [path.join(ROOT, 'examples', 'cli', 'build.sh')], { cwd: dir, env });
      const r: CliRun = { code: null, stdout: '', stderr: '' };
      child.stdout.on('data', (d: Buffer) => (r.stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (r.stderr += d.toString()));
      child.once('close', (code) => resolve({ ...r, code }));
    });
    expect(run.code, run.stderr).toBe(0);
    const digest = run.stdout.trim().split('\n').pop();
    expect(digest).toBe((await served(registry, 'cli/sh', '1.0')).digest);
    expect(leftovers(dir)).toEqual([]);
  });

  test('examples/cli/gitlab-ci.yml: its job clones the action at a commit, pushes, and reports the digest', async () => {
    // The job's own lines, run as GitLab's shell executor runs them, with GitLab's variables set:
    // the action comes from a fresh clone of this repository at HEAD, as the job clones a release.
    const job = (
      parse(readFileSync(path.join(ROOT, 'examples', 'cli', 'gitlab-ci.yml'), 'utf8')) as {
        'image-multiarch': { before_script: string[]; script: string[] };
      }
    )['image-multiarch'];
    const dir = tmp();
    const builds = tmp();
    const project = tmp();
    addBusybox(project); // no RUN: GitLab's job sets no --network
    writeFileSync(
      path.join(project, 'Dockerfile'),
      'FROM scratch\nARG TARGETARCH\nCOPY busybox/${TARGETARCH} /bin/busybox\n',
    );
    const head = execFileSync('git', ['-C', ROOT, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const env = {
      ...terminalEnv(dir),
      PATH: `${path.dirname(node24())}:${process.env.PATH ?? ''}`,
      CI_BUILDS_DIR: builds,
      ACTION_REPO: ROOT,
      ACTION_REF: head,
      CI_REGISTRY_IMAGE: `${registry.address}/cli/gitlab`,
      CI_COMMIT_SHORT_SHA: head.slice(0, 8),
      CI_REGISTRY_USER: USER,
      CI_REGISTRY_PASSWORD: PASSWORD,
    };
    const lines = [...job.before_script, ...job.script].join('\n');
    const run = await new Promise<CliRun>((resolve) => {
      const child = spawn('bash', ['-euo', 'pipefail', '-c', lines], { cwd: project, env });
      const r: CliRun = { code: null, stdout: '', stderr: '' };
      child.stdout.on('data', (d: Buffer) => (r.stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (r.stderr += d.toString()));
      child.once('close', (code) => resolve({ ...r, code }));
    });
    expect(run.code, run.stderr).toBe(0);
    const { digest } = await served(registry, 'cli/gitlab', head.slice(0, 8));
    expect(
      (JSON.parse(readFileSync(path.join(project, 'outputs.json'), 'utf8')) as { digest: string }).digest,
    ).toBe(digest);
    expect(readFileSync(path.join(project, 'image.env'), 'utf8').trim()).toBe(`IMAGE_DIGEST=${digest}`);
    expect(run.stderr).not.toContain(PASSWORD);
    expect(leftovers(dir)).toEqual([]);
  });

  test('a misspelt flag exits 2 naming the closest input, before anything runs', async () => {
    const run = await startCli(['--platfroms', 'linux/arm64'], tmp()).done;
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain("Unknown flag '--platfroms'");
    expect(run.stderr).toContain("Did you mean '--platforms'?");
  });
});
