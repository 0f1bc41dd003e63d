import { describe, expect, test } from 'vitest';
import { checkRealm, credentialRule } from '../../../src/registry/origin.js';

describe('where credentials may go', () => {
  test.each([
    [1, 'https://ghcr.io', 'https://ghcr.io/v2/acme/app/blobs/uploads/x', 'send'],
    [2, 'https://ghcr.io', 'https://ghcr.io:443/v2/acme/app/blobs/uploads/x', 'send'],
    [3, 'https://ghcr.io', 'https://storage.example/upload?sig=1', 'withhold'],
    [4, 'https://ghcr.io', 'https://ghcr.io:8443/v2/x', 'withhold'],
    [5, 'http://127.0.0.1:5000', 'http://127.0.0.1:5001/v2/x', 'withhold'],
    [6, 'http://127.0.0.1:5000', 'http://localhost:5000/v2/x', 'withhold'],
    [7, 'http://127.0.0.1:5000', 'http://127.0.0.1:5000/v2/x?_state=1', 'send'],
    [8, 'http://127.0.0.1:5000', 'https://127.0.0.1:5000/v2/x', 'withhold'],
  ] as const)('%i: %s -> %s: %s', (_n, base, url, rule) => {
    expect(credentialRule(base, url, 'reg')).toBe(rule);
  });

  test.each([
    [1, 'https://ghcr.io', 'http://ghcr.io/v2/x'],
    [2, 'https://ghcr.io', 'http://elsewhere.example/upload'],
  ])('%i: an https registry pointing at plain http is refused', (_n, base, url) => {
    expect(() => credentialRule(base, url, 'ghcr.io')).toThrow(
      /Refusing to follow ghcr.io from https to http:/,
    );
  });

  test.each([
    [1, 'https://ghcr.io', 'https://ghcr.io/token', true],
    [2, 'https://quay.io', 'https://auth.example/token?x=1', true],
    [3, 'http://127.0.0.1:5000', 'http://127.0.0.1:5000/token', true],
    [4, 'http://127.0.0.1:5000', 'http://127.0.0.1:5001/token', false],
    [5, 'https://ghcr.io', 'http://ghcr.io/token', false],
    [6, 'https://ghcr.io', 'not a url', false],
  ] as const)('%i: basic credentials for %s to realm %s: %s', (_n, base, realm, ok) => {
    const check = () => checkRealm(base, realm, 'reg');
    if (ok) expect(check).not.toThrow();
    else expect(check).toThrow(/reg/);
  });

  test('the realm error names the realm and the registry origin', () => {
    expect(() => checkRealm('http://127.0.0.1:5000', 'http://127.0.0.1:5001/token?service=x', 'reg')).toThrow(
      "Refusing to send the password for reg to its token realm http://127.0.0.1:5001/token: the realm is not https and not the registry's own origin (http://127.0.0.1:5000)",
    );
  });
});
