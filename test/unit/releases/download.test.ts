// Downloads against a real HTTP server on loopback: redirects, retries,
// streaming hash checks, and what is (not) left on disk.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { Http } from '../../../src/http.js';
import {
  downloadVerified,
  fetchText,
  MAX_CHECKSUMS_BYTES,
  MAX_DOWNLOAD_BYTES,
} from '../../../src/releases/download.js';

const BODY = Buffer.from('#!/bin/sh\necho hello\n'.repeat(5000));
const SHA = createHash('sha256').update(BODY).digest('hex');
const TWO_MIB = Buffer.alloc(2 * 1024 * 1024, 0x61);
let server: Server;
let origin: string;
let http: Http;
let hits: Record<string, number>;
let flaky = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '';
    hits[url] = (hits[url] ?? 0) + 1;
    if (url === '/asset') return void res.writeHead(302, { location: '/cdn/asset' }).end();
    if (url === '/cdn/asset') return void res.writeHead(200).end(BODY);
    if (url === '/flaky' && flaky-- > 0) return void res.writeHead(503, { 'retry-after': '0' }).end();
    if (url === '/flaky') return void res.writeHead(200).end(BODY);
    if (url === '/sums') return void res.writeHead(200).end(`${SHA} *asset\n`);
    if (url === '/big-declared')
      return void res.writeHead(200, { 'content-length': TWO_MIB.length }).end(TWO_MIB);
    if (url === '/big-chunked') {
      // No Content-Length: only counting the bytes as they come can stop it.
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      for (let i = 0; i < 32; i++) res.write(TWO_MIB.subarray(i * 65536, (i + 1) * 65536));
      return void res.end();
    }
    res.writeHead(404).end('Not Found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  http = new Http();
});
afterAll(async () => {
  await http.close();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  hits = {};
});

const src = (p: string) => ({ url: `${origin}${p}`, what: 'tool v1', hint: "Check 'tool-url'." });

test('follows the redirect, streams to disk, executable, when the hash matches', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dl-'));
  await downloadVerified(http, src('/asset'), path.join(dir, 'tool'), SHA);
  expect(readFileSync(path.join(dir, 'tool')).equals(BODY)).toBe(true);
  expect(statSync(path.join(dir, 'tool')).mode & 0o111).not.toBe(0);
  expect(readdirSync(dir)).toEqual(['tool']);
  expect(MAX_DOWNLOAD_BYTES).toBe(512 * 1024 * 1024);
});

test('a hash mismatch leaves nothing on disk, is not retried, and names both hashes', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dl-'));
  const wrong = 'f'.repeat(64);
  await expect(downloadVerified(http, src('/asset'), path.join(dir, 'tool'), wrong)).rejects.toThrow(
    `Checksum mismatch for tool v1 from ${origin}/asset: sha256 is ${SHA}, the release's checksums say ${wrong}; nothing was installed. Check 'tool-url'.`,
  );
  expect(readdirSync(dir)).toEqual([]);
  expect(hits['/asset']).toBe(1);
});

test('503 is retried; 404 is not, and says where and what to fix', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dl-'));
  flaky = 2;
  await downloadVerified(http, src('/flaky'), path.join(dir, 'tool'), SHA);
  expect(hits['/flaky']).toBe(3);
  await expect(fetchText(http, src('/missing'))).rejects.toThrow(
    `Cannot download tool v1 from ${origin}/missing: HTTP 404. Check 'tool-url'.`,
  );
  expect(hits['/missing']).toBe(1);
  expect(existsSync(path.join(dir, 'tool.partial'))).toBe(false);
});

test('fetchText reads a checksums file', async () => {
  expect(await fetchText(http, src('/sums'))).toBe(`${SHA} *asset\n`);
});

// bounded-body.ts's refusal, with the input to change.
const refused = (p: string, why: string) =>
  `The tool v1 at ${origin}${p} is larger than the 1 MiB the action reads (${why}); a registry or server that sends more is refused. Nothing was used. Check 'tool-url'.`;

test.each([
  [1, '/big-declared', 'Content-Length 2097152'],
  [2, '/big-chunked', 'more than 1048576 bytes arrived'],
])('%i: a checksum file over 1 MiB (%s) is refused, naming the URL and the limit', async (_n, p, why) => {
  const err = fetchText(http, src(p));
  await expect(err).rejects.toThrow(refused(p, why));
  await expect(fetchText(http, src(p))).rejects.toThrow(refused(p, why));
  expect(hits[p]).toBe(2); // once per call: never retried
  expect(MAX_CHECKSUMS_BYTES).toBe(1024 * 1024);
});

test.each([
  [1, '/big-declared', 'Content-Length 2097152'],
  [2, '/big-chunked', 'more than 1048576 bytes arrived'],
])('%i: a download over its limit (%s) is refused and leaves nothing on disk', async (_n, p, why) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dl-'));
  const sha = createHash('sha256').update(TWO_MIB).digest('hex');
  await expect(downloadVerified(http, src(p), path.join(dir, 'tool'), sha, 1024 * 1024)).rejects.toThrow(
    refused(p, why),
  );
  expect(readdirSync(dir)).toEqual([]);
  await downloadVerified(http, src(p), path.join(dir, 'tool'), sha, TWO_MIB.length);
  expect(readdirSync(dir)).toEqual(['tool']);
  expect(MAX_DOWNLOAD_BYTES).toBe(512 * 1024 * 1024);
});
