// Digests (pure): computing one, and what one may look like (`algorithm:hex`
// of the right length).
// Digests from a manifest someone else wrote go into URL paths and file
// names, so each is checked before it is used.
import { createHash } from 'node:crypto';
import { HttpError } from '../errors.js';
import { forLog } from '../log-safe.js';

const DIGEST = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;

export function isDigest(value: unknown): boolean {
  return typeof value === 'string' && DIGEST.test(value);
}

/** Answers `value` when it is a digest; otherwise an error that names where it came from. */
export function checkDigest(value: unknown, where: string): string {
  if (typeof value === 'string' && isDigest(value)) return value;
  const shown = typeof value === 'string' ? `'${forLog(value.slice(0, 80))}'` : String(typeof value);
  throw new HttpError(
    `${where} holds the digest ${shown}, which is not sha256:<64 hex digits> or sha512:<128 hex digits>; the manifest is malformed or was tampered with.`,
    undefined,
    'BAD_DIGEST',
  );
}

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
