import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { chunksOf } from '../../../src/registry/upload.js';

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
