// Indexes a tar archive by reading its headers only: entry name -> where its
// data starts in the file and how long it is. Data is skipped by seeking, so
// a multi-gigabyte archive costs one 512-byte read per entry. Reads ustar
// (name prefix), pax ('x' path and size) and GNU ('L' long names, base-256
// sizes), './' prefixes and hard links to an earlier entry. The archive is
// untrusted input read during input validation, synchronously: every size must
// be a safe non-negative integer, every entry must lie inside the file and the
// read position must move forward, so a crafted header fails fast as a
// TarFormatError instead of looping (issue 24).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import * as path from 'node:path';

const BLOCK = 512;
/** Pax records and GNU long names are read into memory: refuse absurd ones. */
const MAX_META_BYTES = 1024 * 1024;
/** All metadata of one archive together: a few KiB in real layouts. */
const MAX_TOTAL_META_BYTES = 16 * 1024 * 1024;
/** Headers of any kind: an image layout has a few per blob, so thousands at most. */
export const MAX_TAR_ENTRIES = 1_000_000;

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

/** Octal ASCII, or GNU base-256 (high bit set) for sizes of 8 GiB and more; `what` names it in errors. */
export function parseNumber(bytes: Buffer, what = 'a number field'): number {
  if ((bytes[0] ?? 0) & 0x80) {
    if ((bytes[0] ?? 0) & 0x40)
      throw new TarFormatError(`${what} is a negative base-256 number (0x${bytes.toString('hex')})`);
    let value = (bytes[0] ?? 0) & 0x3f;
    for (const byte of bytes.subarray(1)) value = value * 256 + byte;
    if (!Number.isSafeInteger(value))
      throw new TarFormatError(`${what} is too large (base-256 0x${bytes.toString('hex')})`);
    return value;
  }
  const text = bytes
    .toString('ascii')
    .replace(/[\0 ]+$/, '')
    .trim();
  if (!/^[0-7]*$/.test(text)) throw new TarFormatError(`${what} '${text}' is not octal`);
  const value = text === '' ? 0 : parseInt(text, 8);
  if (!Number.isSafeInteger(value)) throw new TarFormatError(`${what} '${text}' is too large`);
  return value;
}

/** A pax 'size' record: decimal digits only, a safe integer (pure). */
export function parsePaxSize(value: string, entry: string): number {
  const size = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(size))
    throw new TarFormatError(
      `pax header '${entry}' gives size '${value.slice(0, 40)}', not a non-negative integer`,
    );
  return size;
}

function checksumOk(block: Buffer): boolean {
  const expected = parseNumber(block.subarray(148, 156), 'the checksum field');
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
  const raw = field(block, 0, 100);
  if (!checksumOk(block)) throw new TarFormatError(`the header checksum of entry '${raw}' does not match`);
  const magic = block.subarray(257, 263).toString('ascii');
  const prefix = magic === 'ustar\0' ? field(block, 345, 155) : ''; // POSIX only; GNU uses it for times
  const name = prefix ? `${prefix}/${raw}` : raw;
  return {
    name,
    size: parseNumber(block.subarray(124, 136), `the size field of entry '${name}'`),
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
    if (space === -1 || !Number.isSafeInteger(length) || length <= 0 || at + length > data.length) break;
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

function readMeta(type: string, name: string, data: Buffer, pending: Pending): Pending {
  if (type === 'L') return { ...pending, path: field(data, 0, data.length) };
  if (type === 'K') return { ...pending, linkPath: field(data, 0, data.length) };
  const pax = parsePaxRecords(data);
  return {
    path: pax.path ?? pending.path,
    linkPath: pax.linkpath ?? pending.linkPath,
    size: pax.size !== undefined ? parsePaxSize(pax.size, name) : pending.size,
  };
}

/** Where the entry after this one starts: inside the file, and past this one's header. */
function nextPosition(name: string, offset: number, size: number, total: number): number {
  if (offset + size > total)
    throw new TarFormatError(
      `it ends inside entry '${name}' (${size} bytes from byte ${offset}, the file has ${total}; truncated?)`,
    );
  const next = offset + Math.ceil(size / BLOCK) * BLOCK;
  // Sizes are checked non-negative integers, so this holds; it is what keeps the loop finite.
  if (!(next >= offset)) throw new TarFormatError(`entry '${name}' does not move the read position forward`);
  return next;
}

/** The archive's metadata bytes so far, this entry's added; both within their limits. */
function countMeta(name: string, size: number, sofar: number): number {
  if (size > MAX_META_BYTES) throw new TarFormatError(`entry '${name}' holds ${size} bytes of metadata`);
  if (sofar + size > MAX_TOTAL_META_BYTES)
    throw new TarFormatError(
      `its metadata entries hold more than ${MAX_TOTAL_META_BYTES} bytes (at entry '${name}')`,
    );
  return sofar + size;
}

/** Every regular file of the archive; a later entry of the same name wins, as on extraction. */
export function readTarIndex(file: string): Map<string, TarEntry> {
  const fd = openSync(file, 'r');
  try {
    const total = fstatSync(fd).size;
    const entries = new Map<string, TarEntry>();
    let position = 0;
    let pending: Pending = {};
    let metaBytes = 0;
    for (let count = 0; ; count++) {
      if (count >= MAX_TAR_ENTRIES) throw new TarFormatError(`it holds more than ${MAX_TAR_ENTRIES} entries`);
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
      position = nextPosition(header.name, offset, size, total);
      if (meta) {
        metaBytes = countMeta(header.name, size, metaBytes);
        pending = readMeta(header.type, header.name, readAt(fd, size, offset), pending);
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
