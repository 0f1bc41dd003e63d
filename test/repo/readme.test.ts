// The README a user reads: every action.yml input is in one of the input
// tables (grouped by concern under "## Inputs"), no table names an input that
// does not exist, every output is in the outputs table, and every link to a
// heading of the README lands on one.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../../support/action-runner.js';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
};

/** The text of a `## title` section, up to the next `## `. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README.md has no '## ${title}' section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

const tableNames = (text: string) => [...text.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1] ?? '');

test.each(Object.keys(action.inputs))("input '%s' is in the README's input tables", (name) => {
  expect(tableNames(section('Inputs'))).toContain(name);
});

test('the input tables name only inputs of action.yml, each once', () => {
  const names = tableNames(section('Inputs'));
  expect([...names].sort()).toEqual(Object.keys(action.inputs).sort());
});

test('the outputs table lists exactly the outputs of action.yml', () => {
  expect(tableNames(section('Outputs')).sort()).toEqual(Object.keys(action.outputs).sort());
});

test('the first screen is a copyable workflow that can push to GHCR', () => {
  const first = readme.slice(0, readme.indexOf('\n## '));
  expect(first).toMatch(/```yaml[\s\S]*permissions:\s*\n\s+contents: read\s*\n\s+packages: write/);
  expect(first).toContain('uses: acme-oss/multiarch-build-action@v1');
});

/** GitHub's heading anchors: lowercase, punctuation dropped, spaces to hyphens. */
const anchor = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');

test('every #link in the README names a heading of it', () => {
  const headings = new Set([...readme.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1] ?? '')));
  const links = [...readme.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1] ?? '');
  expect(links.filter((l) => !headings.has(l))).toEqual([]);
});
