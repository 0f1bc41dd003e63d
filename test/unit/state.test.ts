// Post state through the runner's own plumbing: main appends to the file at
// GITHUB_STATE (name<<DELIM / value / DELIM); before post the runner turns
// every name there into STATE_<name>, the last write of a name winning. The
// machine-wide ledger lives in real temp dirs.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
import { parseFileCommands } from '../../support/action-runner.js';

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

describe('the ledger', () => {
  test('1: each save records the run; forgetRun removes it and only it', () => {
    saveState(run('r1'));
    saveState(run('r2', { builder: 'b2' }));
    saveState(run('r2', { builder: 'b2', images: ['i'] }));
    expect(readLedger().sort((a, b) => a.runId.localeCompare(b.runId))).toEqual([
      run('r1'),
      run('r2', { builder: 'b2', images: ['i'] }),
    ]);
    expect(statSync(ledgerDir()).mode & 0o777).toBe(0o700);
    forgetRun('r1');
    expect(readLedger()).toEqual([run('r2', { builder: 'b2', images: ['i'] })]);
    forgetRun('r1'); // again: nothing there, no error
    forgetRun('never-saved');
    expect(readdirSync(ledgerDir())).toEqual(['r2.json']);
  });

  test('2: no ledger yet: no runs', () => {
    expect(readLedger()).toEqual([]);
    expect(() => forgetRun('r1')).not.toThrow();
  });

  test('3: entries that are not JSON, and other files, are skipped', () => {
    saveState(run('r1'));
    writeFileSync(path.join(ledgerDir(), 'torn.json'), '{"runId":"r');
    writeFileSync(path.join(ledgerDir(), 'notes.txt'), '{"runId":"x","runDir":"/x","images":[]}');
    expect(readLedger()).toEqual([run('r1')]);
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
});
