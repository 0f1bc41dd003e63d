import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hashed } from '../../../src/blob-path/blob-pump.js';
import { GetSource } from '../../../src/blob-path/get-source.js';

// A real loopback server: the source reads a real socket into its one buffer.
describe('a raw GET source', () => {
  const blob = randomBytes(3 * 1024 * 1024 + 17);
  const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/blob') {
        res.writeHead(200, { 'content-length': String(blob.length) });
        res.end(blob);
      } else if (req.url === '/cut') {
        res.writeHead(200, { 'content-length': String(blob.length) });
        res.write(blob.subarray(0, 1024 * 1024), () => res.socket?.destroy());
      } else if (req.url === '/redirect') {
        res.writeHead(307, { location: 'http://cdn.example/blob', 'content-length': '0' });
        res.end();
      } else {
        res.writeHead(200); // chunked
        res.end(blob);
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const a = server.address();
    base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test('hands out every byte once, never overwriting a buffer before the reader is done with it', async () => {
    const source = await GetSource.open(new URL(`${base}/blob`), {}, blob.length);
    if (typeof source === 'string') throw new Error(source);
    const copy = createHash('sha256');
    let n = 0;
    for (let chunk = await source.read(); chunk; chunk = await source.read()) {
      const before = createHash('sha256').update(chunk).digest('hex');
      // A slow write: the socket keeps receiving meanwhile, the chunk must not change.
      await new Promise((r) => setTimeout(r, n++ % 7 === 0 ? 5 : 0));
      expect(createHash('sha256').update(chunk).digest('hex')).toBe(before);
      copy.update(chunk);
    }
    expect(`sha256:${copy.digest('hex')}`).toBe(digest);
  });

  test.each([
    [1, '/redirect', '307'],
    [2, '/chunked', 'no Content-Length'],
  ])('%i: %s is left to undici: %s', async (_n, url, why) => {
    expect(await GetSource.open(new URL(`${base}${url}`), {}, blob.length)).toBe(why);
  });

  test('a body cut short fails as a transient error before the last chunk is handed out', async () => {
    const source = await GetSource.open(new URL(`${base}/cut`), {}, blob.length);
    if (typeof source === 'string') throw new Error(source);
    const checked = hashed(source, digest, (actual, seen) => new Error(`mismatch ${actual} at ${seen}`));
    const drain = async () => {
      while (await checked.read());
    };
    await expect(drain()).rejects.toMatchObject({ code: 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' });
  });
});
