// The workflows' supply chain and permissions: every third-party action is
// pinned by a full commit SHA, every workflow reads only by default, and in
// release.yml only the publish job may write (contents: releases and tags).
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../../support/action-runner.js';

interface Wf {
  on: unknown;
  permissions?: Record<string, string>;
  jobs: Record<string, { permissions?: Record<string, string>; steps?: { uses?: string }[] }>;
}

const DIR = path.join(ROOT, '.github', 'workflows');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yml'));
const read = (f: string) => parse(readFileSync(path.join(DIR, f), 'utf8')) as Wf;

test.each(files)('%s pins every third-party action by commit SHA', (f) => {
  const uses = Object.values(read(f).jobs).flatMap((j) => (j.steps ?? []).map((s) => s.uses ?? ''));
  const loose = uses.filter((u) => u !== '' && !u.startsWith('./') && !/@[0-9a-f]{40}$/.test(u));
  expect(loose).toEqual([]);
});

test('release.yml runs on vX.Y.Z tags, reads by default, and only publish writes contents', () => {
  const wf = read('release.yml');
  expect(wf.on).toEqual({ push: { tags: ['v*.*.*'] } });
  expect(wf.permissions).toEqual({ contents: 'read' });
  const writers = Object.entries(wf.jobs).filter(([, j]) =>
    JSON.stringify(j.permissions ?? {}).includes('write'),
  );
  expect(writers.map(([name, j]) => [name, j.permissions])).toEqual([['publish', { contents: 'write' }]]);
});
