import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { expect, test } from 'vitest';
import { DigestVerifier } from '../../../src/oci/digest-stream.js';
import { TransientError } from '../../../src/retry.js';

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
