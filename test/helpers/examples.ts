// Turns an example's workflow into the inputs of its action step, so the
// test runs exactly what the example shows: `${{ ... }}` expressions are
// filled from a table, and tags are pointed at a test registry.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { parseReference } from '../../src/registry/reference.js';
import { ROOT } from '../../support/action-runner.js';
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
