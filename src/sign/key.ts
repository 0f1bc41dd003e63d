// The user's signing key ('sign-key'): a PEM private key, PKCS#8 ECDSA P-256
// as `openssl genpkey` writes it (SEC1 "EC PRIVATE KEY" too), encrypted
// PKCS#8 with 'sign-key-password'. Read once, checked before any build, and
// never quoted in a message. Signing is one node:crypto call, the same one
// @sigstore/sign's own ephemeral signer makes.
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { errorCode } from '../errors.js';
import type { PayloadSigner } from './options.js';

const MAKE_ONE =
  'give a PEM private key, PKCS#8 ECDSA P-256, e.g. from `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out cosign.pem`';
const COSIGN_FORMAT = /-----BEGIN ENCRYPTED (SIGSTORE|COSIGN) PRIVATE KEY-----/;
const PEM_LABEL = /-----BEGIN ([A-Z0-9 ]+)-----/;

export type ParsedKey = { key: KeyObject; problem?: undefined } | { key?: undefined; problem: string };

function labelProblem(pem: string, password: string): string | undefined {
  if (COSIGN_FORMAT.test(pem))
    return `Input 'sign-key' is in cosign's own encrypted format, which this action does not read (it needs NaCl secretbox); ${MAKE_ONE}. cosign verifies its signatures with the public key from \`openssl pkey -in cosign.pem -pubout\`.`;
  const label = PEM_LABEL.exec(pem)?.[1];
  if (!label)
    return `Input 'sign-key' is not a PEM block (no -----BEGIN … PRIVATE KEY----- line); ${MAKE_ONE}.`;
  if (label.includes('PUBLIC KEY') || label === 'CERTIFICATE')
    return `Input 'sign-key' holds a ${label}; it needs the private key, and the public key is what \`cosign verify --key\` takes.`;
  if (label === 'ENCRYPTED PRIVATE KEY' && !password)
    return `Input 'sign-key' is an encrypted PKCS#8 key but 'sign-key-password' is empty; set 'sign-key-password' (from a secret).`;
  if (!['PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY'].includes(label))
    return `Input 'sign-key' holds a ${label} PEM block; ${MAKE_ONE}.`;
  return undefined;
}

function decodeProblem(err: unknown): string {
  const code = errorCode(err) ?? 'unreadable';
  if (code === 'ERR_OSSL_BAD_DECRYPT')
    return `Input 'sign-key' could not be decrypted with 'sign-key-password' (${code}); check the password.`;
  return `Input 'sign-key' could not be read as a PEM private key (${code}); ${MAKE_ONE}.`;
}

/** Pure apart from the parsing: the key, or what is wrong with it and what would be valid. */
export function parseSigningKey(text: string, password: string): ParsedKey {
  // Lines trimmed: a key pasted into YAML with indentation, or with CRLF line ends, still reads.
  const pem = `${text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .join('\n')
    .trim()}\n`;
  if (!pem.trim())
    return { problem: `Input 'sign' is key but 'sign-key' is empty; ${MAKE_ONE}, from a secret.` };
  const problem = labelProblem(pem, password);
  if (problem) return { problem };
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem', ...(password ? { passphrase: password } : {}) });
  } catch (err) {
    return { problem: decodeProblem(err) };
  }
  const type = key.asymmetricKeyType ?? 'unknown';
  if (type !== 'ec')
    return {
      problem: `Input 'sign-key' is an ${type.toUpperCase()} key; cosign's key signatures here are ECDSA P-256: ${MAKE_ONE}.`,
    };
  const curve = key.asymmetricKeyDetails?.namedCurve ?? 'unknown';
  if (curve !== 'prime256v1')
    return {
      problem: `Input 'sign-key' is an EC key on curve ${curve}; it must be P-256 (prime256v1): ${MAKE_ONE}.`,
    };
  return { key };
}

/** Signs with one ECDSA P-256 key: SHA-256, a DER signature, as cosign writes and reads it. */
export function keySigner(key: KeyObject): PayloadSigner {
  const publicKey = createPublicKey(key);
  return {
    how: 'key',
    sign: (payload) => Promise.resolve({ signature: sign('sha256', payload, key) }),
    isOurs: (payload, signature) => verify('sha256', payload, publicKey, signature),
  };
}
