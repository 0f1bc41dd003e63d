// What the publish step of both modes is told: where the index goes, in which
// format, with what, and whether anything is pushed at all.
import type { Annotation } from '../oci/annotation-levels.js';
import type { AttestationMode } from '../oci/attestations.js';
import type { IndexFormat } from '../oci/index.js';
import type { Reference } from '../registry/reference.js';
import type { SignOptions } from '../sign/options.js';

export interface PublishOptions {
  tags: Reference[];
  push: boolean;
  /** Push the images and this job's index untagged, for a merge job (fan-out). */
  pushByDigest: boolean;
  /** Absolute path for push-by-digest's JSON, or ''. */
  digestFile: string;
  /** Absolute path of the OCI layout tarball to write, or ''. */
  ociArchive: string;
  indexFormat: IndexFormat;
  attestations: AttestationMode;
  /** The index's own annotations ('annotations' lines with index: or no prefix). */
  annotations: Record<string, string>;
  /** Carry each copied manifest's referrers (signatures, SBOMs, attestations) to the targets. */
  referrers: boolean;
  /** Sign the index and each platform's manifest in the targets ('sign'). */
  sign: SignOptions;
  /** Every 'annotations' line by level: manifest-descriptor ones go on the index's entries, index-descriptor ones on an OCI archive's index.json. */
  leveledAnnotations: Annotation[];
}
