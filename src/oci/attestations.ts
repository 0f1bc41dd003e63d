// Attestation manifests as buildx writes them beside each image (pure): how
// one is recognised, which image it describes, and whether an index keeps them.
import type { Descriptor } from './types.js';

/** 'keep' attestation manifests beside their images, or 'strip' them. */
export const ATTESTATION_MODES = ['keep', 'strip'] as const;
export type AttestationMode = (typeof ATTESTATION_MODES)[number];

export const ATTESTATION_REFERENCE_TYPE = 'vnd.docker.reference.type';
/** The image digest an attestation manifest describes. */
export const ATTESTATION_DIGEST = 'vnd.docker.reference.digest';

export function isAttestation(d: Descriptor): boolean {
  return d.annotations?.[ATTESTATION_REFERENCE_TYPE] === 'attestation-manifest';
}

/** 'strip' leaves attestation manifests out of the index (and so out of the copy). */
export function keepEntry(d: Descriptor, attestations: AttestationMode): boolean {
  return attestations === 'keep' || !isAttestation(d);
}
