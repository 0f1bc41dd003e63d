// What signing is told ('sign', 'sign-key'), and what a signer does: both
// ways (a key, keyless) sign cosign's simple-signing payloads the same way.
import type { KeyObject } from 'node:crypto';
import type { PayloadSignature } from '../oci/cosign-signature.js';

export const SIGN_MODES = ['false', 'key', 'keyless'] as const;
export type SignMode = (typeof SIGN_MODES)[number];

export interface SignOptions {
  mode: SignMode;
  /** The parsed 'sign-key', with mode 'key'. */
  key?: KeyObject;
}

export interface PayloadSigner {
  /** For the log: "key" or "keyless". */
  readonly how: string;
  sign(payload: Buffer): Promise<PayloadSignature>;
  /** Whether an existing signature of this payload is ours (so a re-run adds no duplicate). */
  isOurs(payload: Buffer, signature: Buffer): boolean;
}
