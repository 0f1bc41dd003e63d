// 'sign-key' as users give it: what is accepted, what is refused and how the
// refusal reads (never quoting the key), and signatures that verify.
import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { keySigner, parseSigningKey } from '../../../src/sign/key.js';

const pair = (curve: string) => generateKeyPairSync('ec', { namedCurve: curve });
const P256 = pair('P-256');
const pkcs8 = P256.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const sec1 = P256.privateKey.export({ format: 'pem', type: 'sec1' }).toString();
const encrypted = P256.privateKey
  .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' })
  .toString();
const p384 = pair('P-384').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();
const ed25519 = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const publicPem = P256.publicKey.export({ format: 'pem', type: 'spki' }).toString();
const cosignKey =
  '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnt9fQ==\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n';

describe('parseSigningKey', () => {
  test.each([
    [1, 'PKCS#8 (openssl genpkey)', pkcs8, ''],
    [2, 'SEC1 (openssl ecparam -genkey)', sec1, ''],
    [3, 'encrypted PKCS#8 with its password', encrypted, 'pw'],
    [4, 'PKCS#8 with spaces around', `\n  ${pkcs8}\n`, ''],
  ])('%i: accepts %s', (_n, _what, pem, password) => {
    const parsed = parseSigningKey(pem, password);
    expect(parsed.problem).toBeUndefined();
    expect(parsed.key?.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  test.each([
    [1, 'empty', '', '', /'sign' is key but 'sign-key' is empty; give a PEM private key, PKCS#8 ECDSA P-256/],
    [2, 'not PEM', 'hunter2', '', /'sign-key' is not a PEM block/],
    [3, 'a public key', publicPem, '', /'sign-key' holds a PUBLIC KEY; it needs the private key/],
    [4, 'encrypted without password', encrypted, '', /encrypted PKCS#8 key but 'sign-key-password' is empty/],
    [5, 'encrypted, wrong password', encrypted, 'nope', /could not be decrypted with 'sign-key-password'/],
    [6, 'P-384', p384, '', /EC key on curve secp384r1; it must be P-256 \(prime256v1\)/],
    [7, 'RSA', rsa, '', /'sign-key' is an RSA key; cosign's key signatures here are ECDSA P-256/],
    [8, 'Ed25519', ed25519, '', /'sign-key' is an ED25519 key/],
    [
      9,
      "cosign's encrypted format",
      cosignKey,
      'pw',
      /cosign's own encrypted format, which this action does not read/,
    ],
    [
      10,
      'a damaged PEM',
      '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
      '',
      /could not be read as a PEM private key \(ERR_OSSL_UNSUPPORTED\)/,
    ],
    [
      11,
      'another PEM block',
      '-----BEGIN DH PARAMETERS-----\nAAAA\n-----END DH PARAMETERS-----\n',
      '',
      /holds a DH PARAMETERS PEM block/,
    ],
  ])('%i: refuses %s, saying what would be valid', (_n, _what, pem, password, message) => {
    const parsed = parseSigningKey(pem, password);
    expect(parsed.key).toBeUndefined();
    expect(parsed.problem).toMatch(message);
    for (const line of pem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----')))
      expect(parsed.problem).not.toContain(line);
  });
});

describe('keySigner', () => {
  test('signs SHA-256 ECDSA that verifies with the public key, and knows its own signatures', async () => {
    const key = parseSigningKey(pkcs8, '').key;
    if (!key) throw new Error('no key');
    const signer = keySigner(key);
    const payload = Buffer.from('{"critical":{}}');
    const { signature, certificate, bundle } = await signer.sign(payload);
    expect(verify('sha256', payload, P256.publicKey, signature)).toBe(true);
    expect([certificate, bundle]).toEqual([undefined, undefined]);
    expect(signer.isOurs(payload, signature)).toBe(true);
    expect(signer.isOurs(Buffer.from('other'), signature)).toBe(false);
    const theirs = (await keySigner(pair('P-256').privateKey).sign(payload)).signature;
    expect(signer.isOurs(payload, theirs)).toBe(false);
  });
});
