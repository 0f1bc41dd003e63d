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
  // Quoted commas, and = inside quotes, belong to the value.
  [
    7,
    'Bearer realm="https://a.test/token?x=1,y=2",scope="repository:a/b:pull,push repository:c:pull"',
    {
      scheme: 'bearer',
      params: { realm: 'https://a.test/token?x=1,y=2', scope: 'repository:a/b:pull,push repository:c:pull' },
    },
  ],
  // Odd casing: the scheme and the parameter names are case-insensitive, values are kept.
  [
    8,
    'BEARER Realm="https://A.test/T" , SERVICE=Reg',
    { scheme: 'bearer', params: { realm: 'https://A.test/T', service: 'Reg' } },
  ],
  [9, 'bAsIc REALM="Quay"', { scheme: 'basic', params: { realm: 'Quay' } }],
  // Basic with no parameters at all; Bearer without a realm (auth.ts then gives up on it).
  [10, 'Basic', { scheme: 'basic', params: {} }],
  [
    11,
    'Bearer service="reg",scope="repository:a:pull"',
    { scheme: 'bearer', params: { service: 'reg', scope: 'repository:a:pull' } },
  ],
  [12, 'Bearer realm=""', { scheme: 'bearer', params: { realm: '' } }],
  // Whitespace (tabs, folded lines) between parameters.
  [13, 'Bearer\trealm="r",\n  service="s"', { scheme: 'bearer', params: { realm: 'r', service: 's' } }],
  [14, '  Bearer realm="r"', { scheme: 'bearer', params: { realm: 'r' } }],
  [15, '', undefined],
  [16, '   ', undefined],
  [17, 'Digest realm="r", nonce="n"', undefined],
  [18, 'Bearer realm="a\\\\b"', { scheme: 'bearer', params: { realm: 'a\\b' } }],
])('%i: %s', (_n, header, expected) => {
  expect(parseChallenge(header)).toEqual(expected);
});

// Several challenges in one header (RFC 7235 allows "Bearer ..., Basic ...") are read
// apart, and Bearer is answered when offered.
test.each([
  [
    1,
    'Bearer realm="https://a.test/token",service="reg", Basic realm="basic-realm"',
    [{ scheme: 'bearer', params: { realm: 'https://a.test/token', service: 'reg' } }],
  ],
  [
    2,
    'Basic realm="b", Bearer realm="https://a.test/token",service="s"',
    [
      { scheme: 'basic', params: { realm: 'b' } },
      { scheme: 'bearer', params: { realm: 'https://a.test/token', service: 's' } },
    ],
  ],
])('%i: several challenges in one header: %s', (_n, header, acceptable) => {
  // Either challenge, read on its own, is a right answer; a mix of the two is not.
  expect(acceptable).toContainEqual(parseChallenge(header));
});
