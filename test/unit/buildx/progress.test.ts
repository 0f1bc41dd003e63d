// A multi-platform build's --progress=rawjson, recorded from buildx 0.13.1 on
// Docker 26 (test/fixtures/buildx-rawjson), split by platform.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import {
  firstFailure,
  parseRawProgress,
  renderSteps,
  splitByPlatform,
  stepPlatforms,
  stepsSpan,
  textLines,
} from '../../../src/buildx/progress.js';

const fixture = (name: string) =>
  readFileSync(path.join(import.meta.dirname, '../../fixtures/buildx-rawjson', name), 'utf8');
const PLATFORMS = ['linux/amd64', 'linux/arm64'];

test('1: every step once, in the order it started, with its latest state', () => {
  const steps = parseRawProgress(fixture('two-platforms.txt'));
  expect(steps.map((s) => s.name)).toContain('exporting to image');
  expect(new Set(steps.map((s) => s.digest)).size).toBe(steps.length);
  expect(steps.every((s) => s.completed !== undefined && s.started !== undefined)).toBe(true);
  const starts = steps.map((s) => s.started ?? 0);
  expect(starts).toEqual([...starts].sort((a, b) => a - b));
});

test('2: RUN steps without a platform in their name get it from their inputs; context and export are shared', () => {
  const split = splitByPlatform(parseRawProgress(fixture('two-platforms.txt')), PLATFORMS);
  for (const p of PLATFORMS) {
    const names = (split.get(p) ?? []).map((s) => s.name);
    expect(names).toEqual([
      `[${p} 1/3] COPY busybox/${p.slice(6)} /bin/busybox`,
      '[2/3] RUN ["/bin/busybox", "--install", "-s", "/bin"]',
      '[3/3] RUN uname -m > /arch',
    ]);
  }
  const shared = (split.get('') ?? []).map((s) => s.name);
  expect(shared).toContain('exporting to image');
  expect(shared.some((n) => n.startsWith('pushing '))).toBe(true);
  expect(shared.some((n) => n.startsWith('[linux/'))).toBe(false);
});

test('3: a platform spans its own steps only', () => {
  const split = splitByPlatform(parseRawProgress(fixture('two-platforms.txt')), PLATFORMS);
  const amd = stepsSpan(split.get('linux/amd64') ?? []);
  const all = stepsSpan(parseRawProgress(fixture('two-platforms.txt')));
  expect(amd && all && amd.start >= all.start && amd.end < all.end).toBe(true);
  expect(stepsSpan([])).toBeUndefined();
});

test('4: the failed step is named by its platform, with its own log and error', () => {
  const text = fixture('arm64-fails.txt');
  const steps = parseRawProgress(text);
  const failed = firstFailure(steps);
  expect(failed?.error).toMatch(/did not complete successfully: exit code: 1/);
  expect(stepPlatforms(steps, PLATFORMS).get(failed?.digest ?? '')).toBe('linux/arm64');
  expect(failed?.log).toBe('hello-from-aarch64\n');
  const amd = splitByPlatform(steps, PLATFORMS).get('linux/amd64') ?? [];
  expect(renderSteps(amd)).toContain('  hello-from-x86_64');
  expect(renderSteps([failed!])).toMatch(/^\[3\/3\] RUN .*\n {2}hello-from-aarch64\n {2}ERROR: process /);
  expect(textLines(text)).toMatch(/^ERROR: failed to solve: process/m);
  expect(textLines('[command]docker buildx build\n{\n  "x": 1\n}\n')).toBe('[command]docker buildx build');
  expect(textLines(text)).not.toContain('"vertexes"');
});

test('5: a platform not asked for is never guessed from a name; torn objects are skipped', () => {
  const text =
    '{\n  "vertexes": [{"digest": "a", "name": "[linux/riscv64 1/2] RUN x"}]\n}\n{\n  "vertexes": [\n';
  const steps = parseRawProgress(text);
  expect(steps).toHaveLength(1);
  expect(stepPlatforms(steps, PLATFORMS).get('a')).toBe('');
  expect(renderSteps(steps)).toBe('[linux/riscv64 1/2] RUN x\n  not finished');
});
