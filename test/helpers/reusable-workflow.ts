// .github/workflows/multiarch.yml read as the runner reads it: the call's
// inputs with their defaults, the `with:` of each job's steps, the plan step
// run as the node24 action it is (INPUT_* in, GITHUB_OUTPUT out).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { node24, parseFileCommands, ROOT } from '../../support/action-runner.js';
import { SELF_USES } from './action-name.js';

export const WORKFLOW = path.join(ROOT, '.github', 'workflows', 'multiarch.yml');
export const PLAN_ACTION = path.join(ROOT, '.github', 'actions', 'fan-out-plan');

export interface Step {
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | boolean | number>;
}

export interface Job {
  needs?: string | string[];
  if?: string;
  name?: string;
  permissions?: Record<string, string>;
  'runs-on'?: string;
  strategy?: { 'fail-fast'?: string | boolean; matrix?: string };
  outputs?: Record<string, string>;
  steps: Step[];
}

interface WorkflowInput {
  type: 'string' | 'boolean' | 'number';
  default?: string | boolean | number;
  required?: boolean;
}

export interface Workflow {
  on: {
    workflow_call: {
      inputs: Record<string, WorkflowInput>;
      secrets: Record<string, { required?: boolean }>;
      outputs: Record<string, { value: string }>;
    };
  };
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

export function workflowText(): string {
  return readFileSync(WORKFLOW, 'utf8');
}

export function readWorkflow(): Workflow {
  return parse(workflowText()) as Workflow;
}

/** The names under "# Action inputs deliberately left out:", one `#   NAME  reason` line each. */
export function leftOut(text = workflowText()): Map<string, string> {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === '# Action inputs deliberately left out:');
  const out = new Map<string, string>();
  if (start < 0) return out;
  for (const line of lines.slice(start + 1)) {
    const m = /^#\s{3}(\S+)\s+(\S.*)$/.exec(line);
    if (!m) break;
    out.set(m[1] ?? '', m[2] ?? '');
  }
  return out;
}

/** The `with:` of the job's step using this action (its own commit's checkout), values as strings. */
export function actionWith(job: Job): Record<string, string> {
  const step = job.steps.find((s) => s.uses === SELF_USES);
  if (!step) throw new Error(`job has no step using ${SELF_USES}`);
  return Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, String(v)]));
}

/** `inputs.*` as the called workflow sees them: the caller's `with:` over the defaults. */
export function callInputs(wf: Workflow, given: Record<string, string>): Record<string, string> {
  const declared = wf.on.workflow_call.inputs;
  for (const name of Object.keys(given))
    if (!(name in declared)) throw new Error(`the workflow has no input '${name}'`);
  return Object.fromEntries(
    Object.entries(declared).map(([name, spec]) => {
      if (spec.required && !(name in given)) throw new Error(`input '${name}' is required`);
      return [name, given[name] ?? String(spec.default ?? '')];
    }),
  );
}

export interface PlanRun {
  exitCode: number;
  log: string;
  outputs: Record<string, string>;
}

/** Runs the plan action's main under Node 24 with INPUT_* and a GITHUB_OUTPUT file. */
export async function runPlan(inputs: Record<string, string>): Promise<PlanRun> {
  const action = parse(readFileSync(path.join(PLAN_ACTION, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
    runs: { main: string };
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'plan-'));
  const output = path.join(dir, 'output');
  writeFileSync(output, '');
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(INPUT_|GITHUB_)/.test(k)) env[k] = v;
  const all = { ...Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default ?? ''])) };
  Object.assign(all, inputs);
  for (const [k, v] of Object.entries(all)) env[`INPUT_${k.toUpperCase()}`] = v;
  env.GITHUB_OUTPUT = output;
  try {
    const child = spawn(node24(), [path.join(PLAN_ACTION, action.runs.main)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code ?? -1));
    });
    return { exitCode, log, outputs: parseFileCommands(readFileSync(output, 'utf8')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface MatrixRow {
  platform: string;
  runner: string | string[];
  slug: string;
}

export function matrixRows(run: PlanRun): MatrixRow[] {
  return (JSON.parse(run.outputs.matrix ?? '{"include":[]}') as { include: MatrixRow[] }).include;
}

/** Action inputs the workflow text neither passes to a build or merge step nor lists as left out. */
export function unaccounted(text: string, actionInputs: string[]): string[] {
  const wf = parse(text) as Workflow;
  const passed = new Set(
    [wf.jobs.build, wf.jobs.merge].flatMap((job) => (job ? Object.keys(actionWith(job)) : [])),
  );
  const out = leftOut(text);
  return actionInputs.filter((n) => !passed.has(n) && !out.has(n));
}
