// Keyless signing through Sigstore with @sigstore/sign (FulcioSigner,
// RekorWitness): the job's OIDC token (oidc-token.ts: audience "sigstore",
// from the runner's ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN, which
// `permissions: id-token: write` gives) buys a short-lived
// Fulcio certificate for an ephemeral P-256 key; every signature is then
// entered in Rekor. One certificate serves every payload of the run. The
// library is imported only here, only when signing keyless: the bundle keeps
// it in a chunk of its own, not read or compiled on any other run.
import { createHash, generateKeyPairSync, sign as ecdsaSign } from 'node:crypto';
import type { Signer, SignatureBundle } from '@sigstore/sign';
import { ActionError } from '../errors.js';
import { forLog } from '../log-safe.js';
import type { PayloadSignature } from '../oci/cosign-signature.js';
import { requestOidcToken } from './oidc-token.js';
import { cosignBundle } from './rekor-bundle.js';
import type { PayloadSigner } from './options.js';

export const OIDC_AUDIENCE = 'sigstore';
/** HashAlgorithm.SHA2_256 of @sigstore/protobuf-specs (a numeric enum). */
const SHA2_256 = 1;

export interface KeylessOptions {
  /** Fulcio and Rekor base URLs: the public-good instances unless given. */
  fulcioUrl?: string;
  rekorUrl?: string;
  timeoutMs?: number;
}

/** Why this job cannot get an OIDC token, or undefined when it can. */
export function oidcProblem(env: NodeJS.ProcessEnv): string | undefined {
  if (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) return undefined;
  if (env.SIGSTORE_ID_TOKEN) return undefined;
  return "Input 'sign' is keyless but this job cannot request an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set); add `permissions: id-token: write` to the job (pull requests from forks never get one), or sign with 'sign: key' and 'sign-key'.";
}

/** The ephemeral key Fulcio certifies; it signs every payload of the run. */
function ephemeralKey(): Signer {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  return {
    sign: (data) =>
      Promise.resolve({
        signature: ecdsaSign('sha256', data, privateKey),
        key: { $case: 'publicKey', publicKey: pem },
      }),
  };
}

/** "CA_CREATE_SIGNING_CERTIFICATE_ERROR: error creating signing certificate: (403) …", one line, capped. */
function describe(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : typeof e === 'string' ? e : '';
    parts.push([typeof code === 'string' ? code : '', text].filter(Boolean).join(': '));
  }
  return forLog(parts.filter(Boolean).join(': ')).slice(0, 400);
}

function messageSignature(payload: Buffer, signature: Buffer): SignatureBundle {
  const digest = createHash('sha256').update(payload).digest();
  return {
    $case: 'messageSignature',
    messageSignature: { messageDigest: { algorithm: SHA2_256, digest }, signature },
  };
}

export async function keylessSigner(options: KeylessOptions = {}): Promise<PayloadSigner> {
  const problem = oidcProblem(process.env);
  if (problem) throw new ActionError(problem);
  const sigstore = await import('@sigstore/sign');
  const fetch = { timeout: options.timeoutMs ?? 30_000, retry: 2 };
  const holder = ephemeralKey();
  const fulcio = new sigstore.FulcioSigner({
    identityProvider: { getToken: () => requestOidcToken(process.env, OIDC_AUDIENCE) },
    keyHolder: holder,
    fulcioBaseURL: options.fulcioUrl ?? sigstore.DEFAULT_FULCIO_URL,
    ...fetch,
  });
  const rekor = new sigstore.RekorWitness({
    rekorBaseURL: options.rekorUrl ?? sigstore.DEFAULT_REKOR_URL,
    ...fetch,
  });
  let certificate: string | undefined;
  const certified = async (payload: Buffer): Promise<{ signature: Buffer; certificate: string }> => {
    if (certificate) return { signature: (await holder.sign(payload)).signature, certificate };
    const signed = await fulcio.sign(payload).catch((err: unknown) => {
      throw new ActionError(`Cannot get a Fulcio signing certificate: ${describe(err)}.`);
    });
    if (signed.key.$case !== 'x509Certificate') throw new Error('Fulcio answered without a certificate');
    certificate = signed.key.certificate;
    return { signature: signed.signature, certificate };
  };
  return {
    how: 'keyless',
    async sign(payload): Promise<PayloadSignature> {
      const { signature, certificate: cert } = await certified(payload);
      const logged = await rekor.testify(messageSignature(payload, signature), cert).catch((err: unknown) => {
        throw new ActionError(`Cannot enter the signature in Rekor: ${describe(err)}.`);
      });
      const entry = logged.tlogEntries[0];
      if (!entry) throw new ActionError('Rekor answered without a log entry; the signature was not written.');
      return { signature, certificate: cert, bundle: cosignBundle(entry) };
    },
    isOurs: () => false, // a new ephemeral key each run: every run's signature is its own
  };
}
