// A small archive made by the action's ustar writer (src/oci/tar.ts), for the
// tests that read it back with GNU tar and with the tar index.
import { TAR_END, tarHeader, tarPadding } from '../../src/oci/tar.js';

/** Names and bytes, in archive order: a small file, a blob-sized name, an empty file. */
export const SAMPLE_FILES: [string, Buffer][] = [
  ['oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')],
  [`blobs/sha256/${'a'.repeat(64)}`, Buffer.alloc(1500, 7)],
  ['empty', Buffer.alloc(0)],
];

/** A 'blobs/' directory entry, then SAMPLE_FILES, then the end-of-archive blocks. */
export function sampleTar(): Buffer {
  const parts = [tarHeader('blobs/', 0, 'dir')];
  for (const [name, bytes] of SAMPLE_FILES)
    parts.push(tarHeader(name, bytes.length), bytes, tarPadding(bytes.length));
  return Buffer.concat([...parts, TAR_END]);
}
