// Post state through the runner's own plumbing: main appends to the file at
// GITHUB_STATE (name<<DELIM / value / DELIM); before post the runner turns
// every name there into STATE_<name>, the last write of a name winning. The
// machine-wide ledger lives in real temp dirs.
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  forgetRun,
  isPost,
  ledgerDir,
  markMainStarted,
  readLedger,
  readState,
  saveState,
  type PostState,
} from '../../src/state.js';
import { privateDirProblem } from '../../src/private-dir.js';
import { parseFileCommands } from '../../support/action-runner.js';
import { stdoutOf } from '../helpers/stdout.js';

let dir: string;
let stateFile: string;
let saved: NodeJS.ProcessEnv;

beforeEach(() => {
  saved = { ...process.env };
  for (const k of Object.keys(process.env)) if (k.startsWith('STATE_')) delete process.env[k];
  dir = mkdtempSync(path.join(os.tmpdir(), 'state-test-'));
  stateFile = path.join(dir, 'state');
  writeFileSync(stateFile, ''); // the runner creates it before main starts
  process.env.GITHUB_STATE = stateFile;
  process.env.MULTIARCH_LEDGER_DIR = path.join(dir, 'ledger');
});

afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  rmSync(dir, { recursive: true, force: true });
});

/** What the runner does between main and post: GITHUB_STATE's names become STATE_* for post. */
function startPost(): void {
  delete process.env.GITHUB_STATE; // post gets a fresh file of its own
  for (const [name, value] of Object.entries(parseFileCommands(readFileSync(stateFile, 'utf8'))))
    process.env[`STATE_${name}`] = value;
}

const run = (runId: string, extra: Partial<PostState> = {}): PostState => ({
  runId,
  runDir: `/tmp/runs/${runId}`,
  images: [],
  ...extra,
});

describe('post state through GITHUB_STATE', () => {
  test.each<[number, PostState[]]>([
    [1, [run('r1')]],
    [
      2,
      [
        run('r1'),
        run('r1', { registry: { address: '127.0.0.1:5000', dir: '/tmp/runs/r1/registry' } }),
        run('r1', {
          registry: { address: '127.0.0.1:5000', dir: '/tmp/runs/r1/registry', pid: 4242 },
          dockerConfig: '/tmp/runs/r1/docker',
          builder: 'multiarch-r1',
          images: ['localhost:5000/app:amd64', 'localhost:5000/app:arm64'],
        }),
      ],
    ],
    [
      3,
      [run('r1', { registry: { address: 'localhost:5001', dir: '/d', container: 'multiarch-registry-r1' } })],
    ],
    [4, [run('r "quoted"\nname', { builder: 'a<<b', images: ['x\ny'] })]],
  ])('%i: post reads the last of the states main saved', (_n, saves) => {
    markMainStarted();
    for (const s of saves) saveState(s);
    expect(isPost()).toBe(false); // main itself is not post
    startPost();
    expect(isPost()).toBe(true);
    expect(readState()).toEqual(saves.at(-1));
  });

  test('1: a main that never started: not post, nothing to clean up', () => {
    startPost();
    expect(isPost()).toBe(false);
    expect(readState()).toBeUndefined();
  });

  test('2: main started but saved no state yet: post, nothing to clean up', () => {
    markMainStarted();
    startPost();
    expect(isPost()).toBe(true);
    expect(readState()).toBeUndefined();
  });

  test.each([
    [1, '{not json'],
    [2, '{"runId":'],
  ])('%i: state that is not JSON (%j) is nothing to clean up, not a crash', (_n, value) => {
    process.env['STATE_multiarch-state'] = value;
    expect(readState()).toBeUndefined();
  });
});

/** The ledger's entries, as parsed (readLedger leaves checking their shape to its caller). */
const entries = () =>
  readLedger()
    .map((e) => e.entry as PostState)
    .sort((a, b) => a.runId.localeCompare(b.runId));

describe('the ledger', () => {
  test('1: each save records the run; forgetRun removes it and only it', () => {
    saveState(run('r1'));
    saveState(run('r2', { builder: 'b2' }));
    saveState(run('r2', { builder: 'b2', images: ['i'] }));
    expect(entries()).toEqual([run('r1'), run('r2', { builder: 'b2', images: ['i'] })]);
    expect(statSync(ledgerDir()).mode & 0o777).toBe(0o700);
    forgetRun('r1');
    expect(entries()).toEqual([run('r2', { builder: 'b2', images: ['i'] })]);
    forgetRun('r1'); // again: nothing there, no error
    forgetRun('never-saved');
    expect(readdirSync(ledgerDir())).toEqual(['r2.json']); // no temp files left either
  });

  test('2: no ledger yet: no runs', () => {
    expect(readLedger()).toEqual([]);
    expect(() => forgetRun('r1')).not.toThrow();
  });

  test('3: entries that are not JSON, and other files, are skipped', () => {
    saveState(run('r1'));
    writeFileSync(path.join(ledgerDir(), 'torn.json'), '{"runId":"r');
    writeFileSync(path.join(ledgerDir(), 'notes.txt'), '{"runId":"x","runDir":"/x","images":[]}');
    expect(entries()).toEqual([run('r1')]);
  });

  test('4: a ledger that cannot be written never fails the run', () => {
    const blocker = path.join(dir, 'a-file');
    writeFileSync(blocker, '');
    process.env.MULTIARCH_LEDGER_DIR = path.join(blocker, 'ledger'); // under a file: mkdir fails
    expect(() => saveState(run('r1'))).not.toThrow();
    expect(readLedger()).toEqual([]);
    startPost();
    expect(readState()).toEqual(run('r1'));
  });

  test.each([
    [1, '/custom/ledger', '/custom/ledger'],
    [2, undefined, path.join(os.tmpdir(), `multiarch-action-runs-${process.getuid?.() ?? 'user'}`)],
  ])('%i: MULTIARCH_LEDGER_DIR=%j -> %s', (_n, env, expected) => {
    if (env === undefined) delete process.env.MULTIARCH_LEDGER_DIR;
    else process.env.MULTIARCH_LEDGER_DIR = env;
    expect(ledgerDir()).toBe(expected);
  });

  test('5: the file of an entry replaced by a symlink: the save replaces the link, never writes through it', () => {
    saveState(run('r1'));
    const victim = path.join(dir, 'victim');
    writeFileSync(victim, 'keep');
    rmSync(path.join(ledgerDir(), 'r1.json'));
    symlinkSync(victim, path.join(ledgerDir(), 'r1.json'));
    expect(entries()).toEqual([]); // a symlink is never read as an entry
    saveState(run('r1', { builder: 'b1' }));
    expect(readFileSync(victim, 'utf8')).toBe('keep');
    expect(entries()).toEqual([run('r1', { builder: 'b1' })]);
    expect(statSync(path.join(ledgerDir(), 'r1.json')).mode & 0o777).toBe(0o600);
  });
});

describe('a ledger dir this runner did not make is refused', () => {
  const uid = process.getuid?.() ?? 0;
  /** A planted ledger dir with one entry, then `change` applied to it. */
  function plant(change: (ledger: string) => void): string {
    const ledger = ledgerDir();
    mkdirSync(ledger, { mode: 0o700 });
    writeFileSync(path.join(ledger, 'r9.json'), JSON.stringify(run('r9')));
    change(ledger);
    return ledger;
  }

  test.runIf(uid === 0).each<[number, string, (d: string) => void, RegExp]>([
    [
      1,
      'owned by another uid',
      (d) => chownSync(d, 12345, 12345),
      /owned by uid 12345, not this runner's uid 0/,
    ],
    [2, 'owned by another uid, mode 0700', (d) => (chownSync(d, 12345, 0), chmodSync(d, 0o700)), /uid 12345/],
  ])('%i: %s (as root, who could write there anyway)', async (_n, _what, change, why) => {
    const ledger = plant(change);
    const out = await stdoutOf(() => {
      expect(readLedger()).toEqual([]);
      saveState(run('r1'));
      forgetRun('r9');
    });
    expect(out).toMatch(new RegExp(`::warning::Not using the crash ledger ${ledger}: .*${why.source}`));
    expect(out.match(/::warning::/g)).toHaveLength(1); // named once per run
    expect(readdirSync(ledger)).toEqual(['r9.json']);
  });

  test.each<[number, string, (d: string) => void, RegExp]>([
    [1, 'mode 0755', (d) => chmodSync(d, 0o755), /its mode is 0755: group or others have access/],
    [2, 'mode 0770', (d) => chmodSync(d, 0o770), /its mode is 0770/],
    [
      3,
      'a symlink to a private dir',
      (d) => {
        const real = `${d}-real`;
        mkdirSync(real, { mode: 0o700 });
        writeFileSync(path.join(real, 'r9.json'), JSON.stringify(run('r9')));
        rmSync(d, { recursive: true });
        symlinkSync(real, d);
      },
      /it is a symbolic link/,
    ],
  ])('%i: %s', async (_n, _what, change, why) => {
    const ledger = plant(change);
    const out = await stdoutOf(() => {
      expect(readLedger()).toEqual([]);
      saveState(run('r1'));
    });
    expect(out).toMatch(new RegExp(`::warning::Not using the crash ledger ${ledger}: ${why.source}`));
    expect(readdirSync(ledger)).toEqual(['r9.json']);
  });

  const stat = (uid: number, mode: number, kind: 'dir' | 'link' | 'file' = 'dir') => ({
    uid,
    mode,
    isDirectory: () => kind === 'dir',
    isSymbolicLink: () => kind === 'link',
  });
  test.each<[number, ReturnType<typeof stat>, number, string | undefined]>([
    [1, stat(1000, 0o40700), 1000, undefined],
    [2, stat(0, 0o40700), 0, undefined],
    [3, stat(12345, 0o40700), 0, "it is owned by uid 12345, not this runner's uid 0"],
    [4, stat(0, 0o40700), 1000, "it is owned by uid 0, not this runner's uid 1000"],
    [5, stat(1000, 0o41777), 1000, 'its mode is 0777: group or others have access'],
    [6, stat(1000, 0o40710), 1000, 'its mode is 0710: group or others have access'],
    [7, stat(1000, 0o40701), 1000, 'its mode is 0701: group or others have access'],
    [8, stat(1000, 0o120777, 'link'), 1000, 'it is a symbolic link'],
    [9, stat(1000, 0o100600, 'file'), 1000, 'it is not a directory'],
  ])('%i: privateDirProblem -> %j', (_n, st, uid, problem) => {
    expect(privateDirProblem(st, uid)).toBe(problem);
  });
});
