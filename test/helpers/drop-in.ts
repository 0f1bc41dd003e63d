// A build-push-action step as a workflow has it (test/fixtures/drop-in/ or
// an example), turned into what the runner gives this action when only
// `uses:` changes: its `with:` as inputs and its `env:` as the step's
// environment, `${{ ... }}` expressions filled from a table.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { fillExpressions } from './examples.js';

export interface PushStep {
  uses: string;
  with: Record<string, string>;
  env: Record<string, string>;
}

const strings = (o: Record<string, unknown> | undefined) =>
  Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k, String(v)]));

export function readPushStep(file: string, table: Record<string, string>): PushStep {
  const step = parse(readFileSync(file, 'utf8')) as {
    uses: string;
    with?: Record<string, unknown>;
    env?: Record<string, unknown>;
  };
  const fill = (o: Record<string, string>) =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fillExpressions(v, table)]));
  return { uses: step.uses, with: fill(strings(step.with)), env: fill(strings(step.env)) };
}
