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

/** A header block with its checksum recomputed, after a test changed its fields. */
export function resealHeader(block: Buffer): Buffer {
  const h = Buffer.from(block);
  h.write('        ', 148, 'ascii');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

/** One pax record, "LEN key=value\n", LEN counting itself. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (`${len}${body}`.length !== len) len = Buffer.byteLength(`${len}${body}`);
  return `${len}${body}`;
}

/** A pax extended header ('x') holding `records`, then a file `name` of `data`, then the end blocks. */
export function paxTar(records: string, name: string, data: Buffer): Buffer {
  const meta = Buffer.from(records);
  const x = tarHeader(`PaxHeaders/${name}`.slice(0, 100), meta.length);
  x.write('x', 156, 'ascii');
  return Buffer.concat([
    resealHeader(x),
    meta,
    tarPadding(meta.length),
    tarHeader(name, data.length),
    data,
    tarPadding(data.length),
    TAR_END,
  ]);
}
