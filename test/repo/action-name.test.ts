// What users copy names the action one way: no OWNER/REPO placeholder is left
// in the README, the examples or the workflows, and every `uses:` of this
// action (or of its reusable workflow) in them says ACTION from action-name.ts.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../../support/action-runner.js';
import { ACTION } from '../helpers/action-name.js';

function copiedFrom(): string[] {
  const under = (dir: string) =>
    readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(ya?ml|md|sh)$/.test(f))
      .map((f) => path.join(dir, f));
  return ['README.md', 'CHANGELOG.md', ...under('examples'), ...under('.github/workflows')];
}

test.each(copiedFrom())('%s has no OWNER/REPO placeholder', (file) => {
  expect(readFileSync(path.join(ROOT, file), 'utf8')).not.toMatch(/OWNER\/REPO|<your-org>/);
});

const escaped = ACTION.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** `ACTION@v1`, `@v1.2.3` or `@<commit>`, of the action or of its reusable workflow. */
const PINNED = new RegExp(
  `^${escaped}(/\\.github/workflows/multiarch\\.yml)?@(v\\d+|v\\d+\\.\\d+\\.\\d+|[0-9a-f]{40})$`,
);

test.each(copiedFrom())(`%s names this action only as ${ACTION}`, (file) => {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const uses = [...text.matchAll(/uses:\s*([^\s`]*multiarch-build-action[^\s`]*)/g)].map((m) => m[1] ?? '');
  const others = uses.filter((u) => !u.startsWith('./.multiarch-build-action') && !PINNED.test(u));
  expect(others).toEqual([]);
});
