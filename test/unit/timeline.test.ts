import { expect, test } from 'vitest';
import { renderGantt, Timeline, type Phase } from '../../src/timeline.js';

const T = 1_800_000_000_000;
const phases: Phase[] = [
  { section: 'Set-up', label: 'Environment, emulation', start: T, end: T + 2_000 },
  { section: 'Builds', label: 'linux/amd64 native', start: T + 2_000, end: T + 5_000 },
  { section: 'Builds', label: 'linux/arm64 emulated', start: T + 2_000, end: T + 14_500, crit: true },
  { section: 'Copies', label: 'linux/amd64', start: T + 14_600, end: T + 14_600 },
  { section: 'Index', label: 'Pushing: the index; #1', start: T + 15_000, end: T + 15_200 },
];

test('1: a gantt chart with sections in order, times from the first phase, durations in the names', () => {
  expect(renderGantt(phases).split('\n')).toEqual([
    'gantt',
    '  dateFormat x',
    '  axisFormat %M:%S',
    '  section Set-up',
    '  Environment, emulation (2.0 s) :t0, 0, 2000',
    '  section Builds',
    '  linux/amd64 native (3.0 s) :t1, 2000, 5000',
    '  linux/arm64 emulated (12.5 s) :crit, t2, 2000, 14500',
    '  section Copies',
    '  linux/amd64 (0.0 s) :t3, 14600, 14601',
    '  section Index',
    '  Pushing  the index   1 (0.2 s) :t4, 15000, 15200',
  ]);
});

test('2: no phases, no chart', () => {
  expect(renderGantt([])).toBe('');
});

test('3: time() records a phase also when its work fails', async () => {
  const timeline = new Timeline();
  await expect(
    timeline.time('Copies', 'linux/s390x', () => Promise.reject(new Error('boom'))),
  ).rejects.toThrow('boom');
  expect(timeline.phases).toMatchObject([{ section: 'Copies', label: 'linux/s390x' }]);
  const [p] = timeline.phases;
  expect(p && p.end >= p.start).toBe(true);
});
