// The signing step of a publish: after every manifest is in the targets and
// before any of the index's tags, the index and each platform's manifest are
// signed for every target repository ('sign'). A failure here fails the run
// with no tag of the index written.
import { isAttestation } from '../oci/attestations.js';
import type { SerializedIndex } from '../oci/index.js';
import type { Descriptor } from '../oci/types.js';
import { ActionError } from '../errors.js';
import type { Target } from '../registry/clients.js';
import type { SignOptions } from '../sign/options.js';
import { signImages, signerFor, writeSignatures, type Subject } from '../sign/sign-images.js';
import { addTagged } from './reached.js';

function platformName(d: Descriptor): string {
  const p = d.platform;
  return p ? [p.os, p.architecture, p.variant].filter(Boolean).join('/') : 'manifest';
}

/** The index, then each image entry (attestation manifests are not images: they are not signed). */
export function subjectsOf(index: SerializedIndex, entries: readonly Descriptor[]): Subject[] {
  const images = entries.filter((d) => !isAttestation(d));
  return [
    { digest: index.digest, what: 'index' },
    ...images.map((d) => ({ digest: d.digest, what: platformName(d) })),
  ];
}

export async function signPublished(
  options: SignOptions,
  targets: readonly Target[],
  index: SerializedIndex,
  entries: readonly Descriptor[],
): Promise<void> {
  try {
    const signer = await signerFor(options);
    const signed = await signImages(signer, targets, subjectsOf(index, entries));
    await writeSignatures(signer, signed, addTagged);
  } catch (err) {
    if (err instanceof ActionError)
      throw new ActionError(`${err.message} The index was not pushed to any tag.`);
    throw err;
  }
}
