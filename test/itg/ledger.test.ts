// The crash ledger as an attacker on the same machine would use it (issue 24):
// a ledger dir planted by another uid, or planted entries in our own ledger,
// naming a directory, a process, a container and an image of someone else's.
// dist/ main (which cleans up after crashed runs) then post must leave all
// four alive, and name what they refused.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, runAction } from '../../support/action-runner.js';
import { addBusybox, busyboxContext } from '../../support/contexts.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { alive } from '../helpers/processes.js';
import { tempDir } from '../helpers/tools.js';

const skip = skipWithoutPrereqs() || process.getuid?.() !== 0; // chown to another uid needs root

const docker = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });
const exists = (kind: 'container' | 'image', name: string) => docker(kind, 'inspect', name).status === 0;

interface Victims {
  dir: string;
  pid: number;
  containers: string[];
  images: string[];
}

/** A tiny FROM scratch image, tagged with each of `tags`; a running container of it per name. */
function makeVictims(root: string, containers: string[], images: string[]): Victims {
  const ctx = path.join(root, 'victim-image');
  mkdirSync(ctx);
  addBusybox(ctx);
  writeFileSync(
    path.join(ctx, 'Dockerfile'),
    'FROM scratch\nCOPY busybox/amd64 /bin/busybox\nCMD ["/bin/busybox", "sleep", "300"]\n',
  );
  const [first = '', ...more] = images;
  execFileSync('docker', ['build', '--quiet', '--network', 'host', '--tag', first, ctx], { stdio: 'ignore' });
  for (const tag of more) execFileSync('docker', ['tag', first, tag]);
  for (const name of containers)
    execFileSync('docker', ['run', '--detach', '--network', 'host', '--name', name, first], {
      stdio: 'ignore',
    });
  const dir = path.join(root, 'victim-dir');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'precious'), 'keep me');
  // Its argv holds the dir, as a registry binary's argv would.
  const sleeper = spawn('tail', ['-f', path.join(dir, 'precious')], { detached: true, stdio: 'ignore' });
  sleeper.unref();
  return { dir, pid: sleeper.pid ?? 0, containers, images };
}

function expectAlive(v: Victims): void {
  expect(existsSync(path.join(v.dir, 'precious'))).toBe(true);
  expect(alive(v.pid)).toBe(true);
  for (const c of v.containers) expect(exists('container', c)).toBe(true);
  for (const i of v.images) expect(exists('image', i)).toBe(true);
}

function removeVictims(v: Victims | undefined): void {
  if (!v) return;
  if (v.pid) spawnSync('kill', ['-9', String(v.pid)]);
  for (const c of v.containers) docker('rm', '--force', '--volumes', c);
  if (v.images.length) docker('image', 'rm', '--force', ...v.images);
}

/** An entry naming the victims as they are, shapes the action never writes. */
const rawEntry = (runId: string, root: string, v: Victims, container: string, image: string) => ({
  runId,
  runDir: path.join(root, 'gone'), // absent: the entry looks stale
  registry: { address: '127.0.0.1:1', dir: v.dir, pid: v.pid, container },
  images: [image],
});

describe.skipIf(skip)('a planted crash ledger is never acted on', () => {
  const tag = randomBytes(4).toString('hex');
  const runId = `999${Date.now()}-${tag}`; // the exact shape the action writes
  const shaped = {
    container: `multiarch-registry-${runId}`,
    image: `127.0.0.1:1/build:victim-${tag}`,
  };
  const raw = { container: `victim-${tag}`, image: `multiarch-victim-${tag}:1` };
  let root: string;
  let ctx: string;
  let victims: Victims | undefined;

  beforeAll(() => {
    root = tempDir('ledger');
    ctx = busyboxContext({ Dockerfile: 'RUN true\n' });
    victims = makeVictims(root, [raw.container, shaped.container], [raw.image, shaped.image]);
  });
  afterAll(() => {
    removeVictims(victims);
    for (const d of [root, ctx]) if (d) rmSync(d, { recursive: true, force: true });
  });

  const build = (ledger: string) =>
    runAction(
      { platforms: 'linux/amd64', context: ctx, network: 'host' },
      { env: { MULTIARCH_LEDGER_DIR: ledger } },
    );

  test('a ledger dir owned by another uid: refused and named, nothing it lists is touched', async () => {
    const v = victims as Victims;
    const ledger = path.join(root, 'planted');
    mkdirSync(ledger, { mode: 0o755 });
    // One entry as an attacker would write it, one in the exact shapes the action writes.
    writeFileSync(
      path.join(ledger, 'raw.json'),
      JSON.stringify(rawEntry('raw', root, v, raw.container, raw.image)),
    );
    const runDir = path.join(root, `multiarch-${runId}`);
    writeFileSync(
      path.join(ledger, `${runId}.json`),
      JSON.stringify({
        runId,
        runDir,
        registry: { address: '127.0.0.1:1', dir: path.join(runDir, 'registry'), container: shaped.container },
        images: [shaped.image],
      }),
    );
    chownSync(ledger, 12345, 12345);
    const run = await build(ledger);
    expect(errorsOf(run.main)).toBe('');
    expect(run.main.log).toContain(
      `::warning::Not using the crash ledger ${ledger}: it is owned by uid 12345, not this runner's uid 0.`,
    );
    expect(run.main.log).not.toContain('Cleaned up after crashed run');
    expectAlive(v);
  });

  test('our own ledger dir with entries of shapes the action never writes: each named, nothing touched', async () => {
    const v = victims as Victims;
    const ledger = path.join(root, 'ours');
    mkdirSync(ledger, { mode: 0o700 });
    const file = path.join(ledger, 'victim.json');
    writeFileSync(file, JSON.stringify(rawEntry('victim', root, v, raw.container, raw.image)));
    // A run id of the right shape does not make the rest of the entry trusted.
    const id2 = `998${Date.now()}-${tag}`;
    const file2 = path.join(ledger, `${id2}.json`);
    const entry2 = {
      ...rawEntry(id2, root, v, raw.container, raw.image),
      runDir: path.join(root, `multiarch-${id2}`),
    };
    writeFileSync(file2, JSON.stringify(entry2));
    const run = await build(ledger);
    expect(errorsOf(run.main)).toBe('');
    expect(run.main.log).toContain(
      `::warning::Ignoring crash ledger entry ${file}: runId "victim" is not <run id>-<8 hex>.`,
    );
    expect(run.main.log).toContain(
      `::warning::Ignoring crash ledger entry ${file2}: registry dir "${v.dir}" is not ${entry2.runDir}/registry.`,
    );
    expect(run.main.log).not.toContain('Cleaned up after crashed run');
    expectAlive(v);
    expect(existsSync(file)).toBe(true);
  });
});
