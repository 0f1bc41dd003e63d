// A Rekor v1 transparency-log entry (as @sigstore/sign answers it) written as
// cosign's `dev.sigstore.cosign/bundle` annotation (pure): the signed entry
// timestamp and the entry, which `cosign verify` checks offline against
// Rekor's public key.
import type { VerificationMaterial } from '@sigstore/sign';

export type TransparencyLogEntry = NonNullable<VerificationMaterial['tlogEntries']>[number];

export function cosignBundle(entry: TransparencyLogEntry): string {
  const set = entry.inclusionPromise?.signedEntryTimestamp;
  if (!set?.length)
    throw new Error(
      `Rekor entry ${entry.logIndex} came without a signed entry timestamp; cosign cannot verify it offline.`,
    );
  return JSON.stringify({
    SignedEntryTimestamp: set.toString('base64'),
    Payload: {
      body: entry.canonicalizedBody.toString('base64'),
      integratedTime: Number(entry.integratedTime),
      logIndex: Number(entry.logIndex),
      logID: entry.logId.keyId.toString('hex'),
    },
  });
}
