// The signing inputs: what each combination yields, the warnings that say
// what was chosen, and the key lines masked one by one.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { keySecrets, parseSignInputs, signEnvProblems } from '../../../src/inputs/sign.js';

const PEM = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();
const raw = (sign: string, key = '') => ({ sign, 'sign-key': key, 'sign-key-password': '' });
const pushing = { push: true, pushByDigest: false };

describe('parseSignInputs', () => {
  test.each([
    [1, raw('false'), pushing, 'false', [], []],
    [2, raw('false', PEM), pushing, 'false', [], [/'sign-key' is set but 'sign' is false/]],
    [3, raw('key', PEM), pushing, 'key', [], []],
    [
      4,
      raw('key', PEM),
      { push: false, pushByDigest: false },
      'key',
      [],
      [/'push' is false: nothing is pushed, so nothing is signed/],
    ],
    [
      5,
      raw('key', PEM),
      { push: false, pushByDigest: true },
      'key',
      [],
      [/sign in the merge job that pushes the tags/],
    ],
    [6, raw('keyless'), pushing, 'keyless', [], []],
    [7, raw('keyless', PEM), pushing, 'keyless', [], [/'sign' is keyless: 'sign-key' is ignored/]],
    [8, raw('key'), pushing, 'key', [/'sign' is key but 'sign-key' is empty/], []],
    [9, raw('true'), pushing, 'false', [/Input 'sign' is 'true'; valid values are false, key, keyless/], []],
  ])('%i', (_n, inputs, publish, mode, problems, warnings) => {
    const found = { problems: [] as string[], warnings: [] as string[] };
    const sign = parseSignInputs(inputs, publish, found.problems, found.warnings);
    expect(sign.mode).toBe(mode);
    expect(sign.key !== undefined).toBe(mode === 'key' && problems.length === 0);
    expect(found.problems).toHaveLength(problems.length);
    problems.forEach((p, i) => expect(found.problems[i]).toMatch(p));
    expect(found.warnings).toHaveLength(warnings.length);
    warnings.forEach((w, i) => expect(found.warnings[i]).toMatch(w));
  });

  test('keyless needs the runner OIDC variables only when it will push', () => {
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' };
    expect(signEnvProblems({ mode: 'keyless' }, {}, true)).toEqual([
      expect.stringMatching(/add `permissions: id-token: write` to the job/),
    ]);
    expect(signEnvProblems({ mode: 'keyless' }, env, true)).toEqual([]);
    expect(signEnvProblems({ mode: 'keyless' }, {}, false)).toEqual([]);
    expect(signEnvProblems({ mode: 'key' }, {}, true)).toEqual([]);
  });

  test('the key is masked whole and line by line, the armour lines aside', () => {
    const secrets = keySecrets(PEM);
    expect(secrets[0]).toBe(PEM);
    const body = PEM.split('\n').filter((l) => l && !l.startsWith('-----'));
    expect(secrets.slice(1)).toEqual(body);
    expect(keySecrets('')).toEqual([]);
  });
});
