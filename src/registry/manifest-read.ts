// A manifest's answer read as a registry may send it: bounded to 4 MiB
// (Docker's limit), its digest computed and checked against the one asked
// for, its length against Content-Length, and its media type checked to be
// one, since it reaches the log and the next PUT's Content-Type.
import { MANIFEST_LIMIT, readBounded } from '../bounded-body.js';
import { HttpError } from '../errors.js';
import { header, type HttpResponse } from '../http.js';
import { TransientError } from '../retry.js';
import { sha256Digest } from '../oci/digest.js';
import type { RawManifest } from '../oci/types.js';
import { forLog } from '../log-safe.js';

const MEDIA_TYPE = /^[A-Za-z0-9][\w.+-]*\/[\w.+-]+$/;

export interface ManifestWhere {
  repo: string;
  /** A tag or a digest (already checked to be one). */
  ref: string;
  registry: string;
  url: string;
}

/** The exact bytes of a manifest; the digest is computed, never trusted. */
export async function readManifest(res: HttpResponse, w: ManifestWhere): Promise<RawManifest> {
  const what = `manifest ${w.repo}:${w.ref} from ${w.registry}`;
  const bytes = await readBounded(res, { limit: MANIFEST_LIMIT, what, url: w.url });
  const length = header(res, 'content-length');
  if (length !== undefined && Number(length) !== bytes.length)
    throw new TransientError(`manifest ${w.repo}:${w.ref} arrived as ${bytes.length} of ${length} bytes`);
  const digest = sha256Digest(bytes);
  if (w.ref.includes(':') && w.ref !== digest)
    throw new TransientError(`manifest ${w.repo}@${w.ref} arrived with digest ${digest} (truncated?)`);
  const declared = parseMediaType(bytes, `${w.repo}:${w.ref}`);
  const mediaType = declared ?? header(res, 'content-type')?.split(';')[0]?.trim() ?? '';
  if (mediaType !== '' && !MEDIA_TYPE.test(mediaType))
    throw new HttpError(
      `The ${what} declares the media type '${forLog(mediaType.slice(0, 80))}', which is not type/subtype; the manifest is malformed.`,
    );
  return { mediaType, digest, bytes };
}

/** The manifest's own mediaType; a body that is not JSON is a truncated answer. */
function parseMediaType(bytes: Buffer, what: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new TransientError(`manifest ${what} is not valid JSON (truncated?)`);
  }
  const mediaType = (parsed as { mediaType?: unknown } | null)?.mediaType;
  return typeof mediaType === 'string' ? mediaType : undefined;
}
