// Indexes a tar archive by reading its headers only: entry name -> where its
// data starts in the file and how long it is. Data is skipped by seeking, so
// a multi-gigabyte archive costs one 512-byte read per entry. Reads ustar
// (name prefix), pax ('x' path and size) and GNU ('L' long names, base-256
// sizes), './' prefixes and hard links to an earlier entry.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import * as path from 'node:path';

const BLOCK = 512;
/** Pax records and GNU long names are read into memory: refuse absurd ones. */
const MAX_META_BYTES = 1024 * 1024;

export interface TarEntry {
  /** Byte offset of the entry's data in the archive. */
  offset: number;
  size: number;
}

export interface TarHeader {
  name: string;
  size: number;
  /** '0' file, '5' directory, 'x' pax, 'L' GNU long name, '1' hard link, ... */
  type: string;
  linkName: string;
}

/** Why a file is not a tar archive we can read. */
export class TarFormatError extends Error {}

function field(block: Buffer, start: number, length: number): string {
  const bytes = block.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? length : end).toString('utf8');
}

/** Octal ASCII, or GNU base-256 (high bit set) for sizes of 8 GiB and more. */
export function parseNumber(bytes: Buffer): number {
  if ((bytes[0] ?? 0) & 0x80) {
    let value = (bytes[0] ?? 0) & 0x7f;
    for (const byte of bytes.subarray(1)) value = value * 256 + byte;
    return value;
  }
  const text = bytes
    .toString('ascii')
    .replace(/[\0 ]+$/, '')
    .trim();
  if (!/^[0-7]*$/.test(text)) throw new TarFormatError(`the number field '${text}' is not octal`);
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumOk(block: Buffer): boolean {
  const expected = parseNumber(block.subarray(148, 156));
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return expected === unsigned || expected === signed;
}

/** One header block (pure); undefined for a zero block (the end of the archive). */
export function parseTarHeader(block: Buffer): TarHeader | undefined {
  if (block.every((b) => b === 0)) return undefined;
  if (!checksumOk(block)) throw new TarFormatError('a header checksum does not match');
  const magic = block.subarray(257, 263).toString('ascii');
  const prefix = magic === 'ustar\0' ? field(block, 345, 155) : ''; // POSIX only; GNU uses it for times
  const name = field(block, 0, 100);
  return {
    name: prefix ? `${prefix}/${name}` : name,
    size: parseNumber(block.subarray(124, 136)),
    type: field(block, 156, 1) || '0',
    linkName: field(block, 157, 100),
  };
}

/** Pax extended header records: "LEN key=value\n" each (pure). */
export function parsePaxRecords(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = Number(data.subarray(at, space).toString('ascii'));
    if (space === -1 || !Number.isInteger(length) || length <= 0) break;
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return records;
}

/** 'blobs/sha256/ab' for './blobs/sha256/ab', '/blobs//sha256/ab' and the like (pure). */
export function normalizeTarName(name: string): string {
  return path.posix.normalize(`/${name}`).slice(1).replace(/\/$/, '');
}

function readAt(fd: number, size: number, position: number): Buffer {
  const buf = Buffer.alloc(size);
  let done = 0;
  while (done < size) {
    const n = readSync(fd, buf, done, size - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return buf.subarray(0, done);
}

const FILE_TYPES = new Set(['0', '7']);
const META_TYPES = new Set(['x', 'L', 'K']);

/** What pax ('x') and GNU ('L', 'K') entries say about the entry that follows them. */
interface Pending {
  path?: string;
  linkPath?: string;
  size?: number;
}

function readMeta(type: string, data: Buffer, pending: Pending): Pending {
  if (type === 'L') return { ...pending, path: field(data, 0, data.length) };
  if (type === 'K') return { ...pending, linkPath: field(data, 0, data.length) };
  const pax = parsePaxRecords(data);
  return {
    path: pax.path ?? pending.path,
    linkPath: pax.linkpath ?? pending.linkPath,
    size: pax.size !== undefined ? Number(pax.size) : pending.size,
  };
}

/** Every regular file of the archive; a later entry of the same name wins, as on extraction. */
export function readTarIndex(file: string): Map<string, TarEntry> {
  const fd = openSync(file, 'r');
  try {
    const total = fstatSync(fd).size;
    const entries = new Map<string, TarEntry>();
    let position = 0;
    let pending: Pending = {};
    for (;;) {
      if (position + BLOCK > total)
        throw new TarFormatError(
          position === 0
            ? 'it is shorter than one tar header'
            : 'it ends without the end-of-archive blocks (truncated?)',
        );
      const header = parseTarHeader(readAt(fd, BLOCK, position));
      if (!header) break;
      const meta = META_TYPES.has(header.type);
      const offset = position + BLOCK;
      const size = meta ? header.size : (pending.size ?? header.size);
      if (offset + size > total)
        throw new TarFormatError(`it ends inside entry '${header.name}' (truncated?)`);
      position = offset + Math.ceil(size / BLOCK) * BLOCK;
      if (meta) {
        if (size > MAX_META_BYTES)
          throw new TarFormatError(`entry '${header.name}' holds ${size} bytes of metadata`);
        pending = readMeta(header.type, readAt(fd, size, offset), pending);
        continue;
      }
      const name = normalizeTarName(pending.path ?? header.name);
      const target = entries.get(normalizeTarName(pending.linkPath ?? header.linkName));
      if (FILE_TYPES.has(header.type)) entries.set(name, { offset, size });
      else if (header.type === '1' && target) entries.set(name, target);
      pending = {};
    }
    return entries;
  } finally {
    closeSync(fd);
  }
}
