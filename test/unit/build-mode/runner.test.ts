import { expect, test } from 'vitest';
import { osProblem } from '../../../src/build-mode/runner.js';

test.each([
  [1, 'linux', undefined],
  [2, 'darwin', /this runner is macOS\. Use a Linux runner .*merge-only mode needs no engine/],
  [3, 'win32', /this runner is Windows\./],
  [4, 'freebsd', /this runner is freebsd\./],
] as const)('%i: build mode on %s', (_n, platform, expected) => {
  const problem = osProblem(platform);
  if (expected === undefined) expect(problem).toBeUndefined();
  else expect(problem).toMatch(expected);
});
