import { expect, test } from 'vitest';
import { mapPool } from '../../src/pool.js';

test('mapPool keeps order and never runs more than the limit', async () => {
  let running = 0;
  let peak = 0;
  const out = await mapPool([5, 1, 4, 2, 3], 2, async (n) => {
    peak = Math.max(peak, ++running);
    await new Promise((r) => setTimeout(r, n));
    running--;
    return n * 10;
  });
  expect(out).toEqual([50, 10, 40, 20, 30]);
  expect(peak).toBe(2);
});

test('mapPool: after a failure nothing new starts, in-flight work settles, the first error wins', async () => {
  const started: number[] = [];
  let settled = 0;
  const err = await mapPool([1, 2, 3, 4, 5, 6], 2, async (n) => {
    started.push(n);
    await new Promise((r) => setTimeout(r, n === 1 ? 1 : 20));
    settled++;
    if (n === 1) throw new Error('first');
    return n;
  }).catch((e: unknown) => e);
  expect((err as Error).message).toBe('first');
  expect(started).toEqual([1, 2]);
  expect(settled).toBe(2);
});
