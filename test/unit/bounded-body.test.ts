// Small answers read with a size and a deadline, against a real server on
// loopback that floods, lies about its length, or drips.
import { createServer, type ServerResponse } from 'node:http';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readBounded, readPrefix, refuseDeclaredExcess, sizeBound } from '../../src/bounded-body.js';
import { Http } from '../../src/http.js';
import { listenOnLoopback, type Listening } from '../helpers/loopback-server.js';

const timers = new Set<NodeJS.Timeout>();
function drip(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const t = setInterval(() => res.write('x'), 50);
  timers.add(t);
  res.on('close', () => clearInterval(t));
}

describe('bounded reads', () => {
  let server: Listening;
  const http = new Http();
  beforeAll(async () => {
    const s = createServer((req, res) => {
      const p = new URL(req.url ?? '/', 'http://x').pathname;
      if (p === '/declared') {
        res.writeHead(200, { 'content-length': String(256 * 1024 * 1024) });
        res.write(Buffer.alloc(1024));
      } else if (p === '/flood') {
        res.writeHead(200); // chunked: no length to check first
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        const pump = () => {
          while (res.write(chunk));
        };
        res.on('drain', pump);
        pump();
      } else if (p === '/drip') drip(res);
      else res.end('{"ok":true}');
    });
    server = await listenOnLoopback(s);
  });
  afterAll(async () => {
    for (const t of timers) clearInterval(t);
    await http.close();
    await server.stop();
  });

  const get = (p: string) => http.request({ method: 'GET', url: `http://${server.address}${p}?sig=secret` });
  const bounds = (p: string, deadlineMs?: number) => ({
    limit: 1024 * 1024,
    what: 'manifest acme/app:1',
    url: `http://${server.address}${p}?sig=secret`,
    deadlineMs,
  });

  test('1: a body within the limit is read whole', async () => {
    expect((await readBounded(await get('/ok'), bounds('/ok'))).toString()).toBe('{"ok":true}');
  });

  test('2: a Content-Length over the limit is refused before reading, naming limit and URL (no query)', async () => {
    await expect(readBounded(await get('/declared'), bounds('/declared'))).rejects.toThrow(
      `The manifest acme/app:1 at http://${server.address}/declared is larger than the 1 MiB the action reads (Content-Length 268435456)`,
    );
  });

  test('3: a chunked flood is counted while it comes and cut at the limit', async () => {
    const before = process.memoryUsage().rss;
    await expect(readBounded(await get('/flood'), bounds('/flood'))).rejects.toThrow(
      /larger than the 1 MiB the action reads \(more than 1048576 bytes arrived\)/,
    );
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  test('4: a drip fails at the overall deadline, not at the idle timeout', async () => {
    const start = Date.now();
    await expect(readBounded(await get('/drip'), bounds('/drip', 700))).rejects.toThrow(
      /did not arrive within 0.7 s \(\d+ bytes came\)/,
    );
    expect(Date.now() - start).toBeLessThan(5000);
  });

  test('5: an error text keeps its first bytes and drops the flood', async () => {
    const text = await readPrefix(await get('/flood'), { ...bounds('/flood'), limit: 100 });
    expect(text.length).toBe(100);
  });

  test('6: a body streamed elsewhere: the declared length is refused first, the counted flood in the stream', async () => {
    const declared = await get('/declared');
    expect(() => refuseDeclaredExcess(declared, bounds('/declared'))).toThrow(
      /larger than the 1 MiB the action reads \(Content-Length 268435456\)/,
    );
    expect(declared.body.destroyed).toBe(true);
    let written = 0;
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        written += chunk.length;
        done();
      },
    });
    await expect(
      pipeline(await get('/flood').then((r) => r.body), sizeBound(bounds('/flood')), sink),
    ).rejects.toThrow(/larger than the 1 MiB the action reads \(more than 1048576 bytes arrived\)/);
    expect(written).toBeLessThanOrEqual(1024 * 1024);
    // Up to the limit, every byte passes.
    const exact = Buffer.alloc(1024 * 1024, 0x62);
    const out: Buffer[] = [];
    await pipeline(
      Readable.from([exact]),
      sizeBound(bounds('/exact')),
      async (src: AsyncIterable<Buffer>) => {
        for await (const c of src) out.push(c);
      },
    );
    expect(Buffer.concat(out).equals(exact)).toBe(true);
  });
});
