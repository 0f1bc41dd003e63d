import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { chunksOf, heldBytes } from '../../../src/registry/chunked-upload.js';

async function sizes(pieces: number[], size: number): Promise<{ sizes: number[]; same: boolean }> {
  const input = pieces.map((n, i) => Buffer.alloc(n, i + 1));
  const out: Buffer[] = [];
  for await (const chunk of chunksOf(Readable.from(input), size)) out.push(chunk);
  return { sizes: out.map((b) => b.length), same: Buffer.concat(out).equals(Buffer.concat(input)) };
}

describe('chunked uploads', () => {
  test.each([
    [1, [10], 4, [4, 4, 2]],
    [2, [3, 3, 3], 4, [4, 4, 1]],
    [3, [8], 4, [4, 4]],
    [4, [1, 1, 1, 1], 4, [4]],
    [5, [], 4, []],
    [6, [2, 9, 1], 5, [5, 5, 2]],
  ])('%i: pieces %j in chunks of %i -> %j, bytes unchanged', async (_n, pieces, size, expected) => {
    expect(await sizes(pieces, size)).toEqual({ sizes: expected, same: true });
  });
});

describe('the bytes an upload session holds, from its Range header', () => {
  test.each([
    [1, '0-1048575', 1048576, 1048576],
    [2, '0-1048575', 0, 1048576],
    [3, '0-0', 0, 0],
    [4, '0-0', 1, 1],
    [5, undefined, 0, 0],
    [6, undefined, 512, undefined],
    [7, 'bytes=0-99', 100, 100],
    [8, '5-99', 100, undefined],
    [9, 'garbage', 0, undefined],
  ])('%i: Range %j while expecting %i -> %j', (_n, range, expected, held) => {
    expect(heldBytes(range, expected)).toBe(held);
  });
});
