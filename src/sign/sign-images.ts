// Signing the published images: the index and each platform's manifest, for
// every target repository (cosign's payload names the repository). Every
// signature is made first (keyless: Fulcio and Rekor), then all are written:
// a signer that fails leaves the targets untouched.
import * as core from '@actions/core';
import { throwIfCancelled } from '../cancel.js';
import { simpleSigningPayload } from '../oci/cosign-signature.js';
import type { Target } from '../registry/clients.js';
import { keySigner } from './key.js';
import { keylessSigner, type KeylessOptions } from './keyless.js';
import type { PayloadSigner, SignOptions } from './options.js';
import { writeSignature, type SignedImage } from './write.js';

/** An image to sign: its digest, and what it is for the log ("index", "linux/arm64"). */
export interface Subject {
  digest: string;
  what: string;
}

export async function signerFor(options: SignOptions, keyless: KeylessOptions = {}): Promise<PayloadSigner> {
  if (options.mode === 'key' && options.key) return keySigner(options.key);
  if (options.mode === 'keyless') return keylessSigner(keyless);
  throw new Error(`no signer for sign mode '${options.mode}'`); // a bug: inputs checked the key
}

export async function signImages(
  signer: PayloadSigner,
  targets: readonly Target[],
  subjects: readonly Subject[],
): Promise<SignedImage[]> {
  const signed: SignedImage[] = [];
  for (const target of targets) {
    const reference = `${target.client.registry}/${target.repository}`;
    for (const { digest, what } of subjects) {
      throwIfCancelled(`signing ${what} for ${reference}`);
      const payload = simpleSigningPayload(reference, digest);
      signed.push({ target, digest, what, payload, signature: await signer.sign(payload) });
    }
  }
  return signed;
}

/** Writes every signature; each written tag is reported through `tagged`. */
export async function writeSignatures(
  signer: PayloadSigner,
  signed: readonly SignedImage[],
  tagged: (where: string) => void,
): Promise<void> {
  for (const s of signed) {
    throwIfCancelled(`writing the signature of ${s.what}`);
    const where = await writeSignature(s, signer);
    if (where) tagged(where);
    core.info(
      where
        ? `Signed ${s.what} ${s.digest} (${signer.how}): ${where}`
        : `${s.what} ${s.digest} already carries this signature in ${s.target.client.registry}/${s.target.repository}`,
    );
  }
}
