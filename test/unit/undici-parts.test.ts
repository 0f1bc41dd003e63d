// src/undici-parts.cjs is what 'undici' is in the bundles: the same requests
// as undici's own index sends, and none of the rest of undici loaded.
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as undici from 'undici';
import { listenOnLoopback, type Listening } from '../helpers/loopback-server.js';

const SHIM = path.resolve(import.meta.dirname, '../../src/undici-parts.cjs');
const parts = createRequire(import.meta.url)(SHIM) as typeof undici;

/** What a server saw of one request. */
interface Seen {
  method?: string;
  url?: string;
  host?: string;
  body: string;
}

let server: Listening;
let seen: Seen[] = [];

beforeAll(async () => {
  const http = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, host: req.headers.host, body });
      res.end('ok');
    });
  });
  // A proxy's tunnel: noted, then refused.
  http.on('connect', (req: IncomingMessage, socket: Socket) => {
    seen.push({ method: req.method, url: req.url, host: req.headers.host, body: '' });
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  server = await listenOnLoopback(http);
});
afterAll(() => server.stop());

async function send(
  lib: typeof undici,
  url: string,
  opts: Parameters<typeof undici.request>[1],
): Promise<Seen> {
  seen = [];
  const res = await lib.request(url, opts);
  expect(await res.body.text()).toBe(opts?.method === 'HEAD' ? '' : 'ok');
  expect(seen).toHaveLength(1);
  return seen[0] as Seen;
}

describe('undici-parts sends what undici sends', () => {
  test.each([
    [1, '/v2/', {}],
    [2, '/v2/library/busybox/manifests/latest', { method: 'HEAD' }],
    [3, '/v2/a/blobs/uploads/?mount=sha256%3Aab&from=b%2Fc', { method: 'POST' }],
    [4, '/v2/a/blobs/uploads/x?_state=a%2Bb%3D&digest=sha256:00', { method: 'PUT', body: 'layer' }],
    [5, '/v2/a/blobs/uploads/y', { body: 'no method: PUT' }],
    [6, '/v2/tags/list?n=100&last=v1%20', { method: 'GET' }],
    [7, '/v2/ünicode/manifests/1?', { method: 'GET' }],
  ] as const)('%i: %s', async (_n, pathAndQuery, opts) => {
    const url = `http://${server.address}${pathAndQuery}`;
    const viaUndici = await send(undici, url, { ...opts, dispatcher: new undici.Agent() });
    const viaParts = await send(parts, url, { ...opts, dispatcher: new parts.Agent() });
    expect(viaParts).toEqual(viaUndici);
  });

  test('without a dispatcher, the global one', async () => {
    const url = `http://${server.address}/v2/?q=1`;
    expect(await send(parts, url, {})).toEqual(await send(undici, url, {}));
  });

  test('EnvHttpProxyAgent goes through its proxy', async () => {
    const dispatcher = new parts.EnvHttpProxyAgent({ httpProxy: `http://${server.address}`, noProxy: '' });
    seen = [];
    await expect(parts.request('http://registry.invalid:5000/v2/', { dispatcher })).rejects.toThrow(/403/);
    expect(seen).toEqual([
      { method: 'CONNECT', url: 'registry.invalid:5000', host: 'registry.invalid:5000', body: '' },
    ]);
  });

  test('opts.agent is refused, as undici refuses it', () => {
    const agent = new parts.Agent();
    expect(() => parts.request(`http://${server.address}/`, { agent } as never)).toThrow(/opts\.agent/);
  });
});

test('loading it and making a dispatcher loads none of the rest of undici', () => {
  const script = [
    `const parts = require(${JSON.stringify(SHIM)});`,
    'new parts.EnvHttpProxyAgent(); parts.ProxyAgent;',
    'const loaded = Object.keys(require.cache).filter((f) => f.includes("/undici/"));',
    'console.log(JSON.stringify(loaded.map((f) => f.replace(/.*\\/undici\\//, ""))));',
  ].join('\n');
  const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[];
  expect(loaded).toContain('lib/dispatcher/env-http-proxy-agent.js');
  expect(loaded).not.toContain('index.js');
  expect(loaded.filter((f) => /^lib\/(web|mock|cache)\//.test(f))).toEqual([]);
});

test('ESM importers (tsx, with the same paths) find every name', () => {
  const script = [
    `import { Agent, EnvHttpProxyAgent, ProxyAgent, request } from ${JSON.stringify(SHIM)};`,
    'console.log([Agent, EnvHttpProxyAgent, ProxyAgent, request].map((x) => typeof x).join(" "));',
  ].join('\n');
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(out.trim()).toBe('function function function function');
});
