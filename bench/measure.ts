// Measuring one client process for the benchmarks: wall time, CPU seconds
// (user + sys, its children included) and peak RSS, from GNU time; and for
// the action in build mode, the window of its merge (from the 'Merging index'
// group to the end of main), with CPU and VmHWM polled from /proc.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import {
  actionDefaults,
  node24,
  parseFileCommands,
  ROOT,
  startAction,
  type StartedRun,
} from '../support/action-runner.js';
import { DEADLINE_MS } from './blobs.js';

const exec = promisify(execFile);

export interface Sample {
  seconds: number;
  /** user + sys of the client process (and its children). */
  cpu: number;
  rssMb: number;
  /** What crossed the link to the target, when it was behind one (link-proxy.ts). */
  link?: { connections: number; turns: number; sequential: number };
}

/** Runs `cmd` under /usr/bin/time; fails when it fails. */
export async function measured(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<Sample> {
  const started = performance.now();
  const { stderr } = await exec('/usr/bin/time', ['-f', 'TIME %U %S %M', cmd, ...args], {
    timeout: DEADLINE_MS,
    maxBuffer: 64 * 1024 * 1024,
    env: env ?? process.env,
  });
  const seconds = (performance.now() - started) / 1000;
  const m = /TIME ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
  if (!m) throw new Error(`no GNU time line in:\n${stderr.slice(-2000)}`);
  return { seconds, cpu: Number(m[1]) + Number(m[2]), rssMb: Number(m[3]) / 1024 };
}

/** The action's dist/ (of `root`, a checkout) in merge-only mode, under Node 24, as the runner runs it (startup included). */
export async function actionMerge(
  source: string,
  tag: string,
  nodeArgs: string[] = [],
  root: string = ROOT,
): Promise<Sample> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-action-'));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, RUNNER_TEMP: dir };
  // Plain HTTP said up front, as oras is told with --plain-http: no HTTPS probe of either registry.
  const insecure = [source, tag].map((ref) => ref.split('/')[0]).join(',');
  const inputs = { sources: source, tags: tag, push: 'true', 'insecure-registries': insecure };
  for (const [k, v] of Object.entries({ ...actionDefaults(), ...inputs }))
    env[`INPUT_${k.toUpperCase()}`] = v;
  for (const f of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY']) {
    env[f] = path.join(dir, f);
    writeFileSync(env[f], '');
  }
  try {
    return await measured(node24(), [...nodeArgs, path.join(root, 'dist', 'index.js')], { ...env });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const TICKS = 100; // USER_HZ

function cpuOf(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
}

function hwmOf(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface BuildRun {
  run: StartedRun;
  merge: Sample;
  /** The run's post state (the local registry's address and storage). */
  state: { runDir?: string; registry?: { address: string; storage?: string } };
}

/** Build mode, main only (post later, by the caller): the merge's window measured on the node process. */
export async function actionBuild(inputs: Record<string, string>): Promise<BuildRun> {
  const run = startAction(inputs, { skipPost: true });
  const pid = run.main.child.pid ?? 0;
  let last = { cpu: 0, hwm: 0 };
  const poll = setInterval(() => {
    const cpu = cpuOf(pid);
    const hwm = hwmOf(pid);
    if (cpu !== undefined) last = { cpu, hwm: hwm ?? last.hwm };
  }, 10);
  try {
    await run.main.waitFor('::group::Merging index', DEADLINE_MS);
    const t0 = performance.now();
    const cpu0 = cpuOf(pid) ?? 0;
    const hwm0 = hwmOf(pid) ?? 0;
    const result = await run.main.done;
    const seconds = (performance.now() - t0) / 1000;
    if (result.exitCode !== 0) throw new Error(`the action failed:\n${result.log.slice(-3000)}`);
    const stateFile = path.join(path.dirname(run.runnerTemp), 'state');
    const json = parseFileCommands(readFileSync(stateFile, 'utf8'))['multiarch-state'] ?? '{}';
    console.error(
      `  (peak RSS ${hwm0.toFixed(0)} MB before the merge, ${last.hwm.toFixed(0)} MB at the end)`,
    );
    return {
      run,
      merge: { seconds, cpu: last.cpu - cpu0, rssMb: last.hwm },
      state: JSON.parse(json) as BuildRun['state'],
    };
  } finally {
    clearInterval(poll);
  }
}
