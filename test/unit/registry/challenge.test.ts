import { expect, test } from 'vitest';
import { parseChallenge } from '../../../src/registry/challenge.js';

test.each([
  [1, 'Basic realm="Registry Realm"', { scheme: 'basic', params: { realm: 'Registry Realm' } }],
  [
    2,
    'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull,push"',
    {
      scheme: 'bearer',
      params: {
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:library/alpine:pull,push',
      },
    },
  ],
  [
    3,
    'bearer realm=https://t.example/token, service=reg',
    { scheme: 'bearer', params: { realm: 'https://t.example/token', service: 'reg' } },
  ],
  [
    4,
    'Bearer realm="a\\"b",error="invalid_token"',
    { scheme: 'bearer', params: { realm: 'a"b', error: 'invalid_token' } },
  ],
  [5, 'Negotiate abc', undefined],
  [6, undefined, undefined],
])('%i: %s', (_n, header, expected) => {
  expect(parseChallenge(header)).toEqual(expected);
});
