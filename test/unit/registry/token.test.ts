import { describe, expect, test } from 'vitest';
import { parseTokenResponse, scopeFor, tokenUrl } from '../../../src/registry/token.js';

describe('token flow', () => {
  test.each([
    [1, 'acme/app', 'pull', 'repository:acme/app:pull'],
    [2, 'acme/app', 'push', 'repository:acme/app:pull,push'],
    [3, 'library/busybox', 'pull', 'repository:library/busybox:pull'],
  ] as const)('%i: scope of %s for %s', (_n, repo, access, expected) => {
    expect(scopeFor(repo, access)).toBe(expected);
  });

  test.each([
    [
      1,
      { realm: 'https://auth.example/token', service: 'reg' },
      ['repository:a:pull'],
      'https://auth.example/token?service=reg&scope=repository%3Aa%3Apull',
    ],
    [
      2,
      { realm: 'https://auth.example/token?x=1', service: 'reg' },
      ['repository:t:pull,push', 'repository:s:pull'],
      'https://auth.example/token?x=1&service=reg&scope=repository%3At%3Apull%2Cpush&scope=repository%3As%3Apull',
    ],
    [3, { realm: 'http://127.0.0.1:5001/token' }, [], 'http://127.0.0.1:5001/token'],
  ])('%i: token URL for %j %j', (_n, params, scopes, expected) => {
    expect(tokenUrl(params, scopes)).toBe(expected);
  });

  const now = 1_000_000;
  test.each([
    [1, { token: 't1', expires_in: 300 }, { value: 't1', expiresAt: now + 300_000 }],
    [2, { access_token: 'a1' }, { value: 'a1', expiresAt: now + 60_000 }],
    [3, { token: '', access_token: 'a2', expires_in: 10 }, { value: 'a2', expiresAt: now + 10_000 }],
    [4, { token: 't2', expires_in: -5 }, { value: 't2', expiresAt: now + 60_000 }],
    [5, { expires_in: 300 }, undefined],
    [6, null, undefined],
  ])('%i: token answer %j', (_n, json, expected) => {
    expect(parseTokenResponse(json, now)).toEqual(expected);
  });
});
