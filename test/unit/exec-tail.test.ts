import { expect, test } from 'vitest';
import { lastMeaningfulLine, meaningfulTail } from '../../src/exec-tail.js';

test.each([
  [1, 'step 1\nstep 2\nERROR: failed to solve: exit code 3\n', 'ERROR: failed to solve: exit code 3'],
  [2, 'a\nb\nc\n', 'a\nb\nc'],
  [3, '', ''],
  [4, 'x\npermission denied\ny\nexec format error\n', 'permission denied\nexec format error'],
])('%i', (_n, output, expected) => {
  expect(meaningfulTail(output)).toBe(expected);
});

test('caps lines and characters', () => {
  const many = Array.from({ length: 50 }, (_, i) => `error ${i} ${'x'.repeat(300)}`).join('\n');
  const tail = meaningfulTail(many);
  expect(tail.length).toBeLessThanOrEqual(1501);
  expect(tail).toContain('error 49');
  expect(tail).not.toContain('error 41 ');
});

test.each([
  [
    1,
    '#1 ERROR: Error response from daemon: pull access denied\nERROR: Error response from daemon: pull access denied\n',
    'Error response from daemon: pull access denied',
  ],
  [
    2,
    "Unable to find image 'x' locally\ndocker: Error response from daemon: manifest unknown.\n",
    'Error response from daemon: manifest unknown',
  ],
  [
    3,
    'tar: registry: Not found in archive\ntar: Exiting with failure status due to previous errors\n',
    'tar: Exiting with failure status due to previous errors',
  ],
  [4, '', ''],
])('%i: one line of why', (_n, output, expected) => {
  expect(lastMeaningfulLine(output)).toBe(expected);
});
