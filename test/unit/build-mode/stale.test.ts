// Crash-ledger entries are acted on only in the exact shapes the action
// writes; anything else (a planted entry naming '/', another user's process,
// container or image) is ignored and named. The ledger is a real temp dir.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { checkLedgerEntry } from '../../../src/build-mode/stale-entry.js';
import { cleanStaleRuns, isStale } from '../../../src/build-mode/stale.js';
import { isRegistryCommandLine } from '../../../src/local-registry/service.js';
import { RUN_MARKER, type PostState } from '../../../src/state.js';
import { stdoutOf } from '../../helpers/stdout.js';

const ID = '123456-0a1b2c3d';
const RUN_DIR = `/runner/_temp/multiarch-${ID}`;
const REG = `${RUN_DIR}/registry`;
const ADDR = '127.0.0.1:41234';

/** An entry as a crashed run of the action wrote it, with `over` laid on top. */
const written = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  runId: ID,
  runDir: RUN_DIR,
  registry: { address: ADDR, dir: REG, pid: 4242, storage: `${REG}/data` },
  dockerConfig: `${RUN_DIR}/docker-config`,
  builder: `multiarch-${ID}`,
  images: [`${ADDR}/build:linux-amd64`, `${ADDR}/build:shared`],
  ...over,
});

describe('checkLedgerEntry', () => {
  test.each<[number, Record<string, unknown>]>([
    [1, written()],
    [2, written({ registry: { address: ADDR, dir: REG, container: `multiarch-registry-${ID}` } })],
    [3, { runId: ID, runDir: RUN_DIR, images: [] }],
    [
      4,
      written({
        runId: 'local-0a1b2c3d',
        runDir: '/tmp/multiarch-local-0a1b2c3d',
        registry: undefined,
        builder: 'multiarch-local-0a1b2c3d',
        dockerConfig: undefined,
        images: [],
      }),
    ],
    // An existing docker-driver builder's engine, which keeps the images too: a context, or an address.
    [5, written({ builder: undefined, imagesEngine: 'other-engine-0a1b2c' })],
    [6, written({ builder: undefined, imagesEngine: 'unix:///var/run/docker26.sock' })],
    [7, written({ builder: undefined, imagesEngine: 'tcp://10.0.0.5:2376' })],
    [8, written({ marked: true })],
  ])('%i: an entry the action writes is acted on as written', (_n, entry) => {
    const checked = checkLedgerEntry(`/ledger/${String(entry.runId)}.json`, entry);
    expect(checked).toEqual({
      ok: true,
      state: JSON.parse(JSON.stringify(entry)) as PostState,
      foreignImages: [],
    });
  });

  test.each<[number, unknown, string, string]>([
    [1, 'text', `${ID}.json`, 'it is not a JSON object'],
    [2, written({ runId: '../x' }), '../x.json', 'runId "../x" is not <run id>-<8 hex>'],
    [3, written({ runId: 'victim' }), 'victim.json', 'runId "victim" is not'],
    [4, written(), 'other.json', `its file is not named ${ID}.json`],
    [5, written({ runDir: '/' }), `${ID}.json`, `runDir / is not named multiarch-${ID}`],
    [6, written({ runDir: '/home/me' }), `${ID}.json`, `runDir /home/me is not named`],
    [7, written({ runDir: `/a/../multiarch-${ID}` }), `${ID}.json`, 'is not a normal absolute path'],
    [8, written({ runDir: `multiarch-${ID}` }), `${ID}.json`, 'is not a normal absolute path'],
    [9, written({ registry: { address: ADDR, dir: '/' } }), `${ID}.json`, `registry dir "/" is not ${REG}`],
    [10, written({ registry: { address: ADDR, dir: '/victim' } }), `${ID}.json`, 'registry dir "/victim"'],
    [
      11,
      written({ registry: { address: ADDR, dir: REG, container: 'victim' } }),
      `${ID}.json`,
      `registry container "victim" is not multiarch-registry-${ID}`,
    ],
    [
      12,
      written({ registry: { address: ADDR, dir: REG, pid: 1 } }),
      `${ID}.json`,
      'registry pid 1 is not a process id',
    ],
    [13, written({ registry: { address: ADDR, dir: REG, pid: '42' } }), `${ID}.json`, 'registry pid "42"'],
    [
      14,
      written({ registry: { address: 'example.com:80', dir: REG } }),
      `${ID}.json`,
      'registry address "example.com:80"',
    ],
    [
      15,
      written({ registry: { address: ADDR, dir: REG, storage: '/srv' } }),
      `${ID}.json`,
      'registry storage "/srv"',
    ],
    [16, written({ builder: 'victim' }), `${ID}.json`, `builder "victim" is not multiarch-${ID}`],
    [17, written({ dockerConfig: '/root/.docker' }), `${ID}.json`, 'dockerConfig "/root/.docker"'],
    [18, written({ images: 'victim' }), `${ID}.json`, 'images is not a list of names'],
    [19, written({ images: [1] }), `${ID}.json`, 'images is not a list of names'],
    [
      20,
      written({ imagesEngine: '--host=tcp://evil' }),
      `${ID}.json`,
      'imagesEngine "--host=tcp://evil" is not',
    ],
    [21, written({ imagesEngine: 'two words' }), `${ID}.json`, 'imagesEngine "two words" is not'],
    [22, written({ imagesEngine: 42 }), `${ID}.json`, 'imagesEngine 42 is not a docker context name'],
    [23, written({ imagesEngine: 'file:///etc/passwd' }), `${ID}.json`, 'imagesEngine "file:///etc/passwd"'],
    [24, written({ marked: 'yes' }), `${ID}.json`, 'marked "yes" is not true'],
  ])('%i: an entry the action never writes is refused', (_n, entry, file, problem) => {
    const checked = checkLedgerEntry(`/ledger/${file}`, entry);
    expect(checked.ok).toBe(false);
    expect(checked.ok ? '' : checked.problem).toContain(problem);
  });

  test("images that are not tags of the run's local registry are kept apart, never removed", () => {
    const foreign = ['victim:latest', 'ghcr.io/acme/app:1', `${ADDR}/other:linux-amd64`, `${ADDR}/build:x y`];
    const checked = checkLedgerEntry(
      `/ledger/${ID}.json`,
      written({ images: [`${ADDR}/build:linux-arm64`, ...foreign] }),
    );
    expect(checked).toMatchObject({
      ok: true,
      state: { images: [`${ADDR}/build:linux-arm64`] },
      foreignImages: foreign,
    });
    const noRegistry = checkLedgerEntry(`/ledger/${ID}.json`, written({ registry: undefined }));
    expect(noRegistry).toMatchObject({ ok: true, state: { images: [] } });
  });
});

describe('isRegistryCommandLine: the exact argv the action starts the registry with', () => {
  const argv = (...a: string[]) => `${a.join('\0')}\0`;
  test.each<[number, string, boolean]>([
    [1, argv('/usr/bin/docker-registry', 'serve', `${REG}/config.yml`), true],
    [
      2,
      argv('/opt/hostedtoolcache/distribution-registry/2.8.3/x64/registry', 'serve', `${REG}/config.yml`),
      true,
    ],
    [3, argv('sleep', '300', REG), false],
    [4, argv('/bin/sh', '-c', `sleep 300 # ${REG}/config.yml`), false],
    [5, argv('/usr/bin/docker-registry', 'serve', `${REG}/config.yml`, 'extra'), false],
    [6, argv('/usr/bin/docker-registry', 'serve', `/other/registry/config.yml`), false],
    [7, argv('/usr/bin/evil', 'serve', `${REG}/config.yml`), false],
    [8, '', false],
  ])('%i: %j', (_n, cmdline, owned) => {
    expect(isRegistryCommandLine(cmdline, REG)).toBe(owned);
  });
});

describe('isStale', () => {
  test("a run directory something else made again (a crashed run's registry writing its storage) is stale when marked", () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'stale-marker-'));
    try {
      const runDir = path.join(base, `multiarch-${ID}`);
      const entry = (marked: boolean): PostState => ({
        runId: ID,
        runDir,
        images: [],
        ...(marked && { marked: true }),
      });
      expect([isStale(entry(true)), isStale(entry(false))]).toEqual([true, true]); // no directory
      mkdirSync(path.join(runDir, 'registry', 'data'), { recursive: true }); // made again, no marker
      expect([isStale(entry(true)), isStale(entry(false))]).toEqual([true, false]); // older entries: the dir alone
      writeFileSync(path.join(runDir, RUN_MARKER), ID);
      expect([isStale(entry(true)), isStale(entry(false))]).toEqual([false, false]); // a run still going
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe('cleanStaleRuns', () => {
  let dir: string;
  let saved: NodeJS.ProcessEnv;
  beforeEach(() => {
    saved = { ...process.env };
    dir = mkdtempSync(path.join(os.tmpdir(), 'stale-test-'));
    process.env.MULTIARCH_LEDGER_DIR = path.join(dir, 'ledger');
    mkdirSync(path.join(dir, 'ledger'), { mode: 0o700 });
  });
  afterEach(() => {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  test('1: a planted entry in our own ledger is ignored and named; what it names stays', async () => {
    const victim = path.join(dir, 'victim');
    mkdirSync(victim);
    const file = path.join(dir, 'ledger', 'victim.json');
    const entry = {
      runId: 'victim',
      runDir: path.join(dir, 'gone'),
      registry: { address: ADDR, dir: victim, container: 'victim' },
      builder: 'victim',
      images: ['victim'],
    };
    writeFileSync(file, JSON.stringify(entry));
    const out = await stdoutOf(async () => {
      expect(await cleanStaleRuns('123-00000000')).toBe(0);
    });
    expect(out).toContain(
      `::warning::Ignoring crash ledger entry ${file}: runId "victim" is not <run id>-<8 hex>.`,
    );
    expect(existsSync(victim)).toBe(true);
    expect(existsSync(file)).toBe(true);
  });
});
