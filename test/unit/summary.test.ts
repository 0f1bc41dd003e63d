// The job summary as @actions/core writes it to GITHUB_STEP_SUMMARY (a real file).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as core from '@actions/core';
import { afterAll, beforeEach, expect, test } from 'vitest';
import { writeSummary, type PlatformRow } from '../../src/summary.js';

// core.summary remembers the file it first wrote to: one file for every test, emptied before each.
const dir = mkdtempSync(path.join(os.tmpdir(), 'summary-'));
const file = path.join(dir, 'summary.md');
beforeEach(() => {
  writeFileSync(file, '');
  process.env.GITHUB_STEP_SUMMARY = file;
  core.summary.emptyBuffer();
});
afterAll(() => {
  delete process.env.GITHUB_STEP_SUMMARY;
  rmSync(dir, { recursive: true, force: true });
});

const index = { digest: 'sha256:' + 'b'.repeat(64), mediaType: 'application/vnd.oci.image.index.v1+json' };
const row = (extra: Partial<PlatformRow>): PlatformRow => ({
  platform: 'linux/arm64',
  how: 'emulated',
  digest: 'sha256:' + 'a'.repeat(64),
  size: 3 * 1024 * 1024,
  ...extra,
});

test('1: built platforms show their build time', async () => {
  await writeSummary([row({ seconds: 12.34 })], { ...index, tags: ['r/app:1'], pushed: true });
  const html = readFileSync(file, 'utf8');
  expect(html).toContain('<th>Time</th>');
  expect(html).toContain('<td>12.3 s</td>');
  expect(html).toContain('<td>3.0 MiB</td>');
});

test('2: merge-only rows (nothing built) have no Time column, not a 0 s', async () => {
  await writeSummary([row({ how: 'merged from r/app:arm64' })], {
    ...index,
    tags: ['r/app:1'],
    pushed: true,
  });
  const html = readFileSync(file, 'utf8');
  expect(html).not.toContain('Time');
  expect(html).not.toContain(' s</td>');
  expect(html).toContain('<td>merged from r/app:arm64</td>');
});

test('3: build mode adds the timeline as a mermaid block after the table; merge-only has none', async () => {
  const phase = { section: 'Builds', label: 'linux/arm64 emulated', start: 1000, end: 4000, crit: true };
  await writeSummary([row({ seconds: 3, build: 'one build' })], { ...index, tags: [], pushed: false }, [
    phase,
  ]);
  const md = readFileSync(file, 'utf8');
  expect(md).toContain('<td>one build</td>');
  expect(md.indexOf('<h3>Timeline</h3>')).toBeGreaterThan(md.indexOf('</table>'));
  expect(md).toMatch(
    /\n```mermaid\ngantt\n[\s\S]*linux\/arm64 emulated \(3\.0 s\) :crit, t0, 0, 3000\n```\n/,
  );
  writeFileSync(file, '');
  core.summary.emptyBuffer();
  await writeSummary([row({})], { ...index, tags: [], pushed: false });
  expect(readFileSync(file, 'utf8')).not.toContain('mermaid');
});
