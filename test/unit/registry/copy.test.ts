import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { expect, test } from 'vitest';
import { mapPool } from '../../../src/registry/copy.js';
import { DigestVerifier } from '../../../src/registry/digest-stream.js';
import { TransientError } from '../../../src/http.js';

test('mapPool keeps order and never runs more than the limit', async () => {
  let running = 0;
  let peak = 0;
  const out = await mapPool([5, 1, 4, 2, 3], 2, async (n) => {
    peak = Math.max(peak, ++running);
    await new Promise((r) => setTimeout(r, n));
    running--;
    return n * 10;
  });
  expect(out).toEqual([50, 10, 40, 20, 30]);
  expect(peak).toBe(2);
});

test('mapPool: after a failure nothing new starts, in-flight work settles, the first error wins', async () => {
  const started: number[] = [];
  let settled = 0;
  const err = await mapPool([1, 2, 3, 4, 5, 6], 2, async (n) => {
    started.push(n);
    await new Promise((r) => setTimeout(r, n === 1 ? 1 : 20));
    settled++;
    if (n === 1) throw new Error('first');
    return n;
  }).catch((e: unknown) => e);
  expect((err as Error).message).toBe('first');
  expect(started).toEqual([1, 2]);
  expect(settled).toBe(2);
});

const blobOf = (bytes: Buffer) => ({
  mediaType: 'x',
  size: bytes.length,
  digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
});

test('digest verifier passes the right bytes through', async () => {
  const bytes = Buffer.from('hello blob');
  const chunks: Buffer[] = [];
  await pipeline(
    Readable.from([bytes.subarray(0, 3), bytes.subarray(3)]),
    new DigestVerifier(blobOf(bytes)),
    async (src: AsyncIterable<Buffer>) => {
      for await (const c of src) chunks.push(c);
    },
  );
  expect(Buffer.concat(chunks)).toEqual(bytes);
});

test.each([
  [1, 'truncated', Buffer.from('hello')],
  [2, 'altered', Buffer.from('jello blob')],
])('%i: digest verifier fails a %s body as transient', async (_n, _what, body) => {
  const err = await pipeline(
    Readable.from([body]),
    new DigestVerifier(blobOf(Buffer.from('hello blob'))),
    async (src: AsyncIterable<Buffer>) => {
      for await (const _ of src) void _;
    },
  ).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TransientError);
});
