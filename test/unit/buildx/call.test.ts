// 'call': buildx --call argv, and the refusal with a buildx older than 0.15.0.
import { expect, test } from 'vitest';
import { callArgs, checkCallSupport } from '../../../src/buildx/call.js';

test('argv: the method, platforms, Dockerfile, builder, target, args and contexts, then the context', () => {
  const target = { platform: 'linux/amd64,linux/arm64', file: '/ws/Dockerfile', context: '/ws' };
  const options = {
    call: 'check',
    buildArgs: ['A=1'],
    target: 'app',
    buildContexts: ['x=/x'],
    builder: 'b1',
  };
  expect(callArgs(target, options)).toEqual([
    'buildx',
    'build',
    '--call',
    'check',
    '--platform',
    'linux/amd64,linux/arm64',
    '--file',
    '/ws/Dockerfile',
    '--builder',
    'b1',
    '--target',
    'app',
    '--build-arg',
    'A=1',
    '--build-context',
    'x=/x',
    '/ws',
  ]);
});

test.each([
  [
    1,
    'check',
    '0.13.1',
    /^Input 'call' is 'check', which needs buildx 0.15.0 or newer .* this run uses buildx 0.13.1/,
  ],
  [2, 'outline', '0.14.1', /needs buildx 0.15.0/],
])('%i: call %s with buildx %s is refused', (_n, call, version, message) => {
  expect(() => checkCallSupport(call, version)).toThrow(message);
});

test.each([
  ['build', '0.13.1'],
  ['check', '0.15.0'],
  ['targets', '0.29.1'],
])('call %s with buildx %s is taken', (call, version) => {
  expect(() => checkCallSupport(call, version)).not.toThrow();
});
