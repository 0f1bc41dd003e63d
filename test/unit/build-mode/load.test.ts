// 'load': which platforms go into the engine.
import { expect, test } from 'vitest';
import { loadPlan } from '../../../src/build-mode/load.js';

const built = ['linux/amd64', 'linux/arm64', 'linux/s390x'];

test.each([
  [1, built, ['linux/amd64'], true, built, /containerd image store holds every platform/],
  [2, built, ['linux/amd64'], false, ['linux/amd64'], /the runner's own/],
  [3, ['linux/arm64', 'linux/s390x'], ['linux/amd64'], false, ['linux/arm64'], /first in 'platforms'/],
  [4, built, ['linux/arm64'], false, ['linux/arm64'], /the runner's own/],
])('%i: built %j, native %j, containerd %s', (_n, b, native, containerd, platforms, why) => {
  const plan = loadPlan(b, native, containerd);
  expect(plan.platforms).toEqual(platforms);
  expect(plan.why).toMatch(why);
});
