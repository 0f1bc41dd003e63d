// What the runner does around the jobs of .github/workflows/multiarch.yml
// when a test runs them one by one: a step's `with:` found by the action it
// uses, `${{ }}` filled from a table, one run's artifact storage, and
// docker/login-action's registry-auth logins into a job's own docker config;
// a call of the workflow, its plan and its build legs as the tests hold them.
import { execFileSync } from 'node:child_process';
import type { ActionRun } from '../../support/action-runner.js';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { fillExpressions } from './examples.js';
import type { MatrixRow, Step, Workflow } from './reusable-workflow.js';

/** One call of the workflow: its `with:` and `secrets:`. */
export interface Call {
  with: Record<string, string>;
  secrets: Record<string, string>;
  /** What docker/metadata-action's json output would be (its step runs only with meta-images). */
  meta?: string;
}

/** What the plan job answered. */
export interface Planned {
  rows: MatrixRow[];
  prefix: string;
  /** needs.plan.outputs.*: what the build and merge jobs read from the plan job. */
  needs: Record<string, string>;
}

/** One matrix row's build job. */
export interface Leg {
  row: MatrixRow;
  run: ActionRun;
}

/** The `with:` of the step of `job` that uses `uses` (a prefix), values as strings. */
export function stepWith(wf: Workflow, job: string, uses: string): Record<string, string> {
  const step = wf.jobs[job]?.steps.find((s: Step) => s.uses?.startsWith(uses));
  if (!step) throw new Error(`job ${job} has no step using ${uses}`);
  return Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, String(v)]));
}

/** Every value with its `${{ }}` filled from `table`. */
export function fill(values: Record<string, string>, table: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, fillExpressions(v, table)]));
}

/** `name.KEY` for every KEY: `inputs.*`, `secrets.*`, `matrix.*` as expressions name them. */
export function prefixed(name: string, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${name}.${k}`, v]));
}

/** `secrets.*`: what the call passes, '' for a declared secret it does not. */
export function secretsOf(wf: Workflow, call: Call): Record<string, string> {
  const declared = Object.keys(wf.on.workflow_call.secrets);
  return prefixed('secrets', Object.fromEntries(declared.map((n) => [n, call.secrets[n] ?? ''])));
}

/** One workflow run's artifact storage, shared by every call in it: NAME -> files. */
export class Artifacts {
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

/**
 * A job's docker config in `dir`: empty, then what docker/login-action's
 * registry-auth does, `docker login` per entry of the YAML list (the action
 * reads the config).
 */
export function jobDockerConfig(dir: string, registryAuths?: string): string {
  writeFileSync(path.join(dir, 'config.json'), '{}');
  const entries = registryAuths
    ? (parse(registryAuths) as { registry: string; username: string; password: string }[])
    : [];
  for (const e of entries)
    execFileSync('docker', ['login', e.registry, '--username', e.username, '--password-stdin'], {
      input: e.password,
      env: { ...process.env, DOCKER_CONFIG: dir },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
  return dir;
}
