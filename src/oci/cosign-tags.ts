// cosign's fallback tag schema (pure): on registries without the OCI 1.1
// referrers API, an image's signatures, attestations and SBOM live under tags
// named after its digest, `sha256-<hex>.sig`, `.att` and `.sbom`.
import { checkDigest } from './digest.js';

export type CosignTagKind = 'sig' | 'att' | 'sbom';

/** `sha256:abc…` -> `sha256-abc….sig` (or `.att`, `.sbom`). */
export function cosignTag(digest: string, kind: CosignTagKind): string {
  checkDigest(digest, 'A cosign fallback tag');
  return `${digest.replace(':', '-')}.${kind}`;
}
