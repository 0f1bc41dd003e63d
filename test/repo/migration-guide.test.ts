// The README's migration guide has a row for every input of
// docker/build-push-action, docker/setup-qemu-action and
// docker/setup-buildx-action, as their action.yml (kept in
// test/fixtures/upstream-actions/) lists them: a new upstream input copied
// into a fixture fails here until the guide says what it maps to.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../../support/action-runner.js';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const ours = Object.keys(
  (parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> }).inputs,
);

function upstreamInputs(action: string): string[] {
  const file = path.join(ROOT, 'test/fixtures/upstream-actions', `${action}.yml`);
  return Object.keys((parse(readFileSync(file, 'utf8')) as { inputs: Record<string, unknown> }).inputs);
}

/** The `### <action> inputs` table of the migration section: input -> its "Here" and "Notes" cells. */
function guideRows(action: string): Map<string, string> {
  const start = readme.indexOf('\n## Migrating from docker/build-push-action\n');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end);
  const sub = section.indexOf(`\n### ${action} inputs\n`);
  if (start < 0 || sub < 0) throw new Error(`README.md has no '### ${action} inputs' in its migration guide`);
  const next = section.indexOf('\n### ', sub + 1);
  const table = section.slice(sub, next < 0 ? undefined : next);
  return new Map(
    [...table.matchAll(/^\| `([a-z-]+)` \| ([^|]+) \|(.*)\|$/gm)].map((m) => [m[1] ?? '', `${m[2]}|${m[3]}`]),
  );
}

const ACTIONS = ['build-push-action', 'setup-qemu-action', 'setup-buildx-action'];

test.each(ACTIONS)('the fixture of %s lists its inputs', (action) => {
  expect(upstreamInputs(action).length).toBeGreaterThan(3);
});

test.each(ACTIONS.flatMap((a) => upstreamInputs(a).map((i) => [a, i])))(
  "the migration guide maps %s's input '%s'",
  (action, input) => {
    expect([...guideRows(action).keys()]).toContain(input);
  },
);

test.each(ACTIONS)('the %s table names only inputs the fixture has, each once', (action) => {
  const rows = [...readme.matchAll(/^\| `([a-z-]+)` \|/gm)].length; // sanity: tables exist at all
  expect(rows).toBeGreaterThan(0);
  expect([...guideRows(action).keys()].sort()).toEqual([...upstreamInputs(action)].sort());
});

test('a build-push-action input marked Same is an input of this action by that name', () => {
  const same = [...guideRows('build-push-action')].filter(([, cells]) => /^Same\b/.test(cells));
  expect(same.length).toBeGreaterThan(20);
  expect(same.map(([name]) => name).filter((n) => !ours.includes(n))).toEqual([]);
});

test('a renamed input names an input of this action', () => {
  const renamed = ACTIONS.flatMap((a) => [...guideRows(a).values()])
    .map((cells) => /^Renamed: `([a-z-]+)`/.exec(cells)?.[1])
    .filter((n): n is string => n !== undefined);
  expect(renamed.length).toBeGreaterThan(0);
  expect(renamed.filter((n) => !ours.includes(n))).toEqual([]);
});
