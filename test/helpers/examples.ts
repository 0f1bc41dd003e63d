// Turns an example's workflow into the inputs of its action step, so the
// test runs exactly what the example shows: `${{ ... }}` expressions are
// filled from a table, or evaluated against the contexts of a simulated
// event, and tags (and registry cache refs) are pointed at a test registry;
// and the later `run:` steps, to run them as the job would.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { parseReference } from '../../src/registry/reference.js';
import { ROOT } from '../../support/action-runner.js';
import { githubContext, githubEnv, type GitHubEvent } from '../../support/github-env.js';
import { interpolate, type Contexts, type Value } from './expressions.js';
import { ACTION_V1 } from './action-name.js';

interface Step {
  uses?: string;
  with?: Record<string, string | boolean | number>;
}

interface Workflow {
  jobs: Record<string, { steps?: Step[] }>;
}

/** The `with:` of every step using this action (ACTION_V1 or ./), in job order. */
export function actionSteps(example: string, file = 'workflow.yml'): Record<string, string>[] {
  const wf = parse(readFileSync(path.join(ROOT, 'examples', example, file), 'utf8')) as Workflow;
  return Object.values(wf.jobs)
    .flatMap((j) => j.steps ?? [])
    .filter((s) => s.uses === ACTION_V1 || s.uses === './')
    .map((s) => Object.fromEntries(Object.entries(s.with ?? {}).map(([k, v]) => [k, String(v)])));
}

export function fillExpressions(value: string, table: Record<string, string>): string {
  return value.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => {
    if (!(expr in table)) throw new Error(`example uses \${{ ${expr} }}, which the test does not provide`);
    return table[expr] ?? '';
  });
}

/** Rewrites every tag to the same repository path on the test registry. */
export function retarget(tags: string, registry: string): string {
  return tags
    .split(/[\n,]/)
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => {
      const ref = parseReference(t);
      return `${registry}/${ref.repository}:${ref.tag ?? 'latest'}`;
    })
    .join('\n');
}

export function exampleInputs(
  example: string,
  table: Record<string, string>,
  registry: string,
): Record<string, string> {
  const [step] = actionSteps(example);
  if (!step) throw new Error(`examples/${example}/workflow.yml has no step using the action`);
  const inputs = Object.fromEntries(Object.entries(step).map(([k, v]) => [k, fillExpressions(v, table)]));
  if (inputs.tags) inputs.tags = retarget(inputs.tags, registry);
  return inputs;
}

interface FullStep extends Step {
  id?: string;
  run?: string;
}

interface FullWorkflow {
  env?: Record<string, string>;
  jobs: Record<string, { steps?: FullStep[] }>;
}

function readWorkflow(example: string, file: string): FullWorkflow {
  return parse(readFileSync(path.join(ROOT, 'examples', example, file), 'utf8')) as FullWorkflow;
}

/** The workflow's top-level `env:`, as written. */
export function workflowEnv(example: string, file = 'workflow.yml'): Record<string, string> {
  return readWorkflow(example, file).env ?? {};
}

/** The `github` context the runner builds for an event (GITHUB_* and payload as support/github-env.ts sets them). */
export function githubContextFor(event: GitHubEvent, workspace: string): Value {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'github-context-'));
  try {
    return githubContext(githubEnv(event, dir, workspace)) as Value;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One cache-from / cache-to line with its registry `ref=` moved to the test registry. */
function retargetCache(entry: string, registry: string): string {
  return entry.replace(/(^|,)ref=([^,]+)/, (_m, lead: string, ref: string) => {
    const r = parseReference(ref);
    return `${lead}ref=${registry}/${r.repository}:${r.tag ?? 'latest'}`;
  });
}

/** `docker.io/acme/demo` -> `<registry>/acme/demo`: an image name of the workflow on the test registry. */
export function retargetName(name: string, registry: string): string {
  return `${registry}/${parseReference(name).repository}`;
}

/**
 * The action step's inputs as the runner computes them for these contexts: every `${{ }}` evaluated
 * (test/helpers/expressions.ts), then tags and registry cache refs pointed at the test registry.
 */
export function evaluatedInputs(
  example: string,
  contexts: Contexts,
  registry: string,
  file = 'workflow.yml',
): Record<string, string> {
  const [step] = actionSteps(example, file);
  if (!step) throw new Error(`examples/${example}/${file} has no step using the action`);
  const inputs = Object.fromEntries(Object.entries(step).map(([k, v]) => [k, interpolate(v, contexts)]));
  if (inputs.tags) inputs.tags = retarget(inputs.tags, registry);
  for (const key of ['cache-from', 'cache-to'])
    if (inputs[key])
      inputs[key] = inputs[key]
        .split('\n')
        .map((l) => (l.trim() ? retargetCache(l.trim(), registry) : l))
        .join('\n');
  return inputs;
}

/** The `run:` scripts of the steps after the action's, their `${{ }}` evaluated as the runner does. */
export function laterRunScripts(example: string, contexts: Contexts, file = 'workflow.yml'): string[] {
  const steps = Object.values(readWorkflow(example, file).jobs).flatMap((j) => j.steps ?? []);
  const at = steps.findIndex((s) => s.uses === ACTION_V1);
  return steps.slice(at + 1).flatMap((s) => (s.run === undefined ? [] : [interpolate(s.run, contexts)]));
}
