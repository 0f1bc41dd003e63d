// An OCI image layout as an image source: an 'oci-archive:' tarball, indexed
// once by its headers, or an 'oci:' directory. Manifests and blobs are served
// from file ranges (a layer is streamed, never held in memory) and checked
// against their digests. Opening checks the layout, so a bad 'sources' entry
// fails before anything slow, naming the entry and what would be valid.
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { ActionError } from '../errors.js';
import { verified } from './digest-stream.js';
import {
  blobPath,
  formatLayoutReference,
  REF_NAME,
  selectLayoutEntry,
  type LayoutReference,
} from './layout.js';
import { isDigest, sha256Digest } from './digest.js';
import type { ReferrerDescriptor, ReferrerManifest } from './referrers.js';
import { OCI_INDEX, OCI_MANIFEST } from './media-types.js';
import { readTarIndex, TarFormatError } from './tar-index.js';
import type { Descriptor, ImageIndex, RawManifest } from './types.js';
import type { ImageSource } from './image-source.js';

/** Where a file of the layout is: a whole file, or a range of the tarball. */
interface Span {
  file: string;
  start: number;
  size: number;
}

/** Manifests, index.json and configs are read whole; more than this is not one. */
const MAX_JSON_BYTES = 16 * 1024 * 1024;
/** index.json entries looked through for referrers; a layout listing more is not scanned further. */
const MAX_LISTED = 1024;
const VALID =
  "Give an OCI image layout: oci-archive:PATH for a tarball (what 'oci-archive' and skopeo copy --all … oci-archive:PATH write), oci:DIR for a directory; paths are relative to the workspace.";

function kind(file: string): 'file' | 'dir' | 'missing' {
  try {
    return statSync(file).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

function readSpan(span: Span, max = MAX_JSON_BYTES): Buffer {
  if (span.size > max)
    throw new ActionError(`${span.file} holds ${span.size} bytes where JSON was expected.`);
  const buf = Buffer.alloc(span.size);
  const fd = openSync(span.file, 'r');
  try {
    let done = 0;
    while (done < span.size) {
      const n = readSync(fd, buf, done, span.size - done, span.start + done);
      if (n === 0) throw new ActionError(`${span.file} ended early (truncated?).`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return buf;
}

function readGzipMagic(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const magic = Buffer.alloc(2);
    return readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** The file lookup of a tarball (indexed once) or a directory; throws when it is neither. */
function openFiles(ref: LayoutReference, label: string): (name: string) => Span | undefined {
  const found = kind(ref.path);
  if (found === 'missing')
    throw new ActionError(`Input 'sources' has '${label}', which does not exist.`, VALID);
  if (ref.transport === 'oci') {
    if (found !== 'dir')
      throw new ActionError(`Input 'sources' has '${label}', which is a file, not a directory.`, VALID);
    return (name) => {
      const file = path.join(ref.path, name);
      return kind(file) === 'file' ? { file, start: 0, size: statSync(file).size } : undefined;
    };
  }
  if (found !== 'file')
    throw new ActionError(`Input 'sources' has '${label}', which is a directory, not a tarball.`, VALID);
  if (readGzipMagic(ref.path))
    throw new ActionError(
      `Input 'sources' has '${label}', which is gzip-compressed; oci-archive: reads a plain tar.`,
      `Decompress it first (gunzip).`,
    );
  try {
    const entries = readTarIndex(ref.path);
    return (name) => {
      const entry = entries.get(name);
      return entry && { file: ref.path, start: entry.offset, size: entry.size };
    };
  } catch (err) {
    if (!(err instanceof TarFormatError)) throw err;
    throw new ActionError(
      `Input 'sources' has '${label}', which is not a tar archive: ${err.message}.`,
      VALID,
    );
  }
}

function readIndexJson(files: (name: string) => Span | undefined, label: string): ImageIndex {
  const missing = ['oci-layout', 'index.json'].find((name) => !files(name));
  if (missing) {
    const dockerSave = files('manifest.json')
      ? ' It looks like docker save output: convert it with skopeo copy docker-archive:PATH oci-archive:NEW.'
      : '';
    throw new ActionError(
      `Input 'sources' has '${label}', which has no ${missing}, so it is not an OCI image layout.${dockerSave}`,
      VALID,
    );
  }
  try {
    const index = JSON.parse(readSpan(files('index.json') as Span).toString('utf8')) as ImageIndex;
    if (!Array.isArray(index.manifests)) throw new Error('no manifests list');
    return index;
  } catch (err) {
    if (err instanceof ActionError) throw err;
    throw new ActionError(
      `Input 'sources' has '${label}', whose index.json is not an OCI index (${err instanceof Error ? err.message : String(err)}).`,
      VALID,
    );
  }
}

/** The media type a manifest declares; an OCI manifest or index may leave it to its descriptor. */
function manifestMediaType(bytes: Buffer): string {
  const parsed = JSON.parse(bytes.toString('utf8')) as { mediaType?: string; manifests?: unknown };
  return parsed.mediaType ?? (parsed.manifests ? OCI_INDEX : OCI_MANIFEST);
}

/** A promise of fn's result: a throw becomes a rejection, as from a registry. */
function settle<T>(fn: () => T): Promise<T> {
  return new Promise((resolve) => resolve(fn()));
}

export class LayoutSource implements ImageSource {
  /** oci-archive:PATH or oci:DIR, for messages. */
  readonly registry: string;

  private constructor(
    ref: LayoutReference,
    private readonly files: (name: string) => Span | undefined,
    /** The index.json entry the reference means: an index or an image manifest. */
    readonly entry: Descriptor,
    /** Every index.json entry: where referrers and cosign's tags are kept in a layout. */
    private readonly listed: readonly Descriptor[],
  ) {
    this.registry = formatLayoutReference({ ...ref, refName: undefined });
  }

  /** Checks the layout and picks its entry; every failure is an ActionError about 'sources'. */
  static open(ref: LayoutReference): LayoutSource {
    const label = formatLayoutReference(ref);
    const files = openFiles(ref, label);
    const listed = readIndexJson(files, label).manifests;
    const entry = selectLayoutEntry(ref, listed);
    if (!files(blobPath(entry.digest)))
      throw new ActionError(
        `Input 'sources' has '${label}', whose index.json names ${entry.digest}, but it has no ${blobPath(entry.digest)}.`,
        'The layout is incomplete: write it again.',
      );
    return new LayoutSource(ref, files, entry, listed);
  }

  private span(digest: string): Span {
    const span = this.files(blobPath(digest));
    if (!span)
      throw new ActionError(
        `${this.registry} has no ${blobPath(digest)}, which a manifest in it lists: the layout is incomplete.`,
        'Write it again with every platform (skopeo copy --all, or the action with oci-archive).',
      );
    return span;
  }

  private readVerified(digest: string): Buffer {
    const bytes = readSpan(this.span(digest));
    const actual = sha256Digest(bytes);
    if (actual !== digest)
      throw new ActionError(`Blob ${digest} in ${this.registry} is damaged: its bytes hash to ${actual}.`);
    return bytes;
  }

  /** By digest, or by an index.json ref name (a tag such as cosign's sha256-<hex>.sig). */
  getManifest(_repository: string, ref: string): Promise<RawManifest | undefined> {
    return settle(() => {
      const digest = isDigest(ref) ? ref : this.listed.find((d) => d.annotations?.[REF_NAME] === ref)?.digest;
      if (digest === undefined || !this.files(blobPath(digest))) return undefined;
      const bytes = this.readVerified(digest);
      return { mediaType: manifestMediaType(bytes), digest, bytes };
    });
  }

  /** The referrers a layout keeps (as oras writes them): index.json entries whose manifest's subject is `digest`. */
  async listReferrers(digest: string): Promise<ReferrerDescriptor[]> {
    const found: ReferrerDescriptor[] = [];
    for (const d of this.listed.slice(0, MAX_LISTED)) {
      if (d.digest === digest || !isDigest(d.digest)) continue;
      const raw = await this.getManifest('', d.digest);
      const parsed = raw && (JSON.parse(raw.bytes.toString('utf8')) as ReferrerManifest);
      if (raw && parsed?.subject?.digest === digest) {
        const type = parsed.artifactType ?? parsed.config?.mediaType;
        found.push({
          ...d,
          mediaType: raw.mediaType,
          size: raw.bytes.length,
          ...(type && { artifactType: type }),
        });
      }
    }
    return found;
  }

  /** Bytes that are not the blob are a damaged layout: a final error, not worth a retry. */
  streamBlob(_repository: string, blob: Descriptor): Promise<Readable> {
    return settle(() => {
      const { file, start, size } = this.span(blob.digest);
      const bytes = size === 0 ? Readable.from([]) : createReadStream(file, { start, end: start + size - 1 });
      return verified(
        bytes,
        blob,
        (_blob, actual) =>
          new ActionError(
            `Blob ${blob.digest} in ${this.registry} is damaged: its bytes hash to ${actual}.`,
            'Copy or write the archive again.',
          ),
      );
    });
  }

  readBlobJson<T>(_repository: string, digest: string): Promise<T> {
    return settle(() => JSON.parse(this.readVerified(digest).toString('utf8')) as T);
  }
}
