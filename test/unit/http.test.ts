import { describe, expect, test } from 'vitest';
import { Http, isCertificateError } from '../../src/http.js';
import { backoffMs, isTransient, parseRetryAfter, TransientError, withRetry } from '../../src/retry.js';
import { withRequestLimit } from '../../src/request-limit.js';
import { listenSilently } from '../helpers/loopback-server.js';

describe('retry policy', () => {
  test.each([
    [1, '3', 3000],
    [2, ' 0 ', 0],
    [3, 'Wed, 21 Oct 2015 07:28:10 GMT', 10_000],
    [4, 'soon', undefined],
    [5, undefined, undefined],
  ])('%i: Retry-After %j -> %j ms', (_n, value, expected) => {
    expect(parseRetryAfter(value, Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(expected);
  });

  test('backoff grows, is capped, and honours Retry-After', () => {
    const policy = { attempts: 5, baseMs: 100, capMs: 1000 };
    for (let i = 0; i < 50; i++) {
      expect(backoffMs(1, policy)).toBeGreaterThanOrEqual(50);
      expect(backoffMs(1, policy)).toBeLessThanOrEqual(100);
      expect(backoffMs(10, policy)).toBeLessThanOrEqual(1000);
    }
    expect(backoffMs(1, policy, 2500)).toBe(2500);
    expect(backoffMs(1, policy, 60_000)).toBe(4000);
  });

  test.each([
    [1, new TransientError('503'), true],
    [2, Object.assign(new Error('reset'), { code: 'ECONNRESET' }), true],
    [3, Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }), true],
    [4, new Error('400 bad request'), false],
    [5, Object.assign(new Error('nope'), { code: 'ENOTFOUND' }), false],
  ])('%i: transient? %s', (_n, err, expected) => {
    expect(isTransient(err)).toBe(expected);
  });

  test.each([
    [1, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', true],
    [2, 'DEPTH_ZERO_SELF_SIGNED_CERT', true],
    [3, 'SELF_SIGNED_CERT_IN_CHAIN', true],
    [4, 'ERR_TLS_CERT_ALTNAME_INVALID', true],
    [5, 'CERT_HAS_EXPIRED', true],
    [6, 'ERR_SSL_WRONG_VERSION_NUMBER', false],
    [7, 'ECONNRESET', false],
  ])('%i: %s is a certificate error? %s', (_n, code, expected) => {
    expect(isCertificateError(Object.assign(new Error(code), { code }))).toBe(expected);
  });

  test('retries transient failures, then succeeds', async () => {
    let calls = 0;
    const result = await withRetry(
      'x',
      async () => {
        await Promise.resolve();
        if (++calls < 3) throw new TransientError('503');
        return 'ok';
      },
      { attempts: 5, baseMs: 1, capMs: 2 },
    );
    expect({ result, calls }).toEqual({ result: 'ok', calls: 3 });
  });

  test('never retries what is not transient, and stops at the cap', async () => {
    let calls = 0;
    const failing = (error: () => Error) => async () => {
      await Promise.resolve();
      calls++;
      throw error();
    };
    await expect(
      withRetry(
        'x',
        failing(() => new Error('403')),
        { attempts: 5, baseMs: 1, capMs: 2 },
      ),
    ).rejects.toThrow('403');
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      withRetry(
        'x',
        failing(() => new TransientError('503')),
        { attempts: 3, baseMs: 1, capMs: 2 },
      ),
    ).rejects.toThrow(/^Gave up x after 3 attempts: 503/);
    expect(calls).toBe(3);
  });
});

describe('a request limit', () => {
  test('a TLS handshake that never gets an answer is given up at the limit, as ETIMEDOUT', async () => {
    const silent = await listenSilently();
    const http = new Http();
    try {
      const started = Date.now();
      const request = withRequestLimit(300, () =>
        http.request({ method: 'GET', url: `https://${silent.address}/v2/` }),
      );
      await expect(request).rejects.toMatchObject({
        code: 'ETIMEDOUT',
        message: `no answer from ${silent.address} within 0.3 s`,
      });
      expect(Date.now() - started).toBeLessThan(5_000); // undici's own connect timeout is 30 s
    } finally {
      await http.close();
      await silent.stop();
    }
  });

  test('outside a limit the same request is still waiting after the limit would have passed', async () => {
    const silent = await listenSilently();
    const http = new Http();
    const request = http.request({ method: 'GET', url: `https://${silent.address}/v2/` });
    request.catch(() => undefined);
    const first = await Promise.race([
      request.then(
        () => 'answered',
        () => 'failed',
      ),
      new Promise((r) => setTimeout(() => r('waiting'), 600)),
    ]);
    expect(first).toBe('waiting');
    await http.close();
    await silent.stop();
  });
});

describe('downloads and overall deadlines', () => {
  test('a download redirected from https to plain http is refused, the http host never asked', async () => {
    const { createServer: createHttps } = await import('node:https');
    const { createServer } = await import('node:http');
    const { readFileSync, rmSync } = await import('node:fs');
    const { makeCa } = await import('../helpers/tls.js');
    const { listenOnLoopback } = await import('../helpers/loopback-server.js');
    const ca = makeCa();
    let asked = 0;
    const plain = await listenOnLoopback(createServer((_req, res) => (asked++, res.end('binary'))));
    const tls = createHttps(
      { cert: readFileSync(ca.certFile), key: readFileSync(ca.keyFile) },
      (_req, res) => {
        res.writeHead(302, { location: `http://${plain.address}/buildx` });
        res.end();
      },
    );
    const secure = await listenOnLoopback(tls);
    const http = new Http({ ca: [readFileSync(ca.caFile, 'utf8')] });
    try {
      await expect(http.getFollowing(`https://${secure.address}/buildx`)).rejects.toThrow(
        `was redirected from https to http://${plain.address}/buildx: a download never leaves https`,
      );
      expect(asked).toBe(0);
    } finally {
      await http.close();
      await secure.stop();
      await plain.stop();
      rmSync(ca.dir, { recursive: true, force: true });
    }
  });

  test('a request whose answer drips is ended at its overall deadline, as ETIMEDOUT (retried like a timeout)', async () => {
    const { createServer } = await import('node:http');
    const { listenOnLoopback } = await import('../helpers/loopback-server.js');
    const server = createServer((_req, res) => {
      res.writeHead(200);
      const t = setInterval(() => res.write('x'), 50);
      res.on('close', () => clearInterval(t));
    });
    const drip = await listenOnLoopback(server);
    const http = new Http();
    try {
      const res = await http.request({ method: 'GET', url: `http://${drip.address}/blob`, deadlineMs: 500 });
      const start = Date.now();
      const err = await res.body.text().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(Date.now() - start).toBeLessThan(3000);
      expect(err).toMatchObject({ code: 'ETIMEDOUT' });
      expect(isTransient(err)).toBe(true);
    } finally {
      await http.close();
      await drip.stop();
    }
  });
});

describe('warm connections', () => {
  test('HEADs keep their connection warm (undici would close it after each)', async () => {
    const { createServer } = await import('node:http');
    const { listenOnLoopback } = await import('../helpers/loopback-server.js');
    let connections = 0;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': '42' });
      res.end('x'.repeat(42)); // node:http sends no body to a HEAD
    });
    server.on('connection', () => connections++);
    const registry = await listenOnLoopback(server);
    const http = new Http();
    try {
      for (const method of ['HEAD', 'HEAD', 'GET', 'HEAD', 'HEAD', 'HEAD', 'GET', 'HEAD'] as const) {
        const res = await http.request({ method, url: `http://${registry.address}/v2/x/blobs/sha256:0` });
        await res.body.dump();
        expect(res.status).toBe(200);
      }
      // a request sent the moment the last answer ended may find its connection not yet handed back
      // (undici frees it on the next turn of the loop) and open a second: never one per HEAD
      expect(connections).toBeLessThanOrEqual(2);
    } finally {
      await http.close();
      await registry.stop();
    }
  });
});

describe('idle connections', () => {
  test('a connection idle for longer than 4 s (undici’s default) is still the one used after', async () => {
    const { createServer } = await import('node:net');
    const { listenOnLoopback } = await import('../helpers/loopback-server.js');
    // Answers as a registry (Go) does: HTTP/1.1, no Keep-Alive hint (node:http would send one).
    const sockets = new Set<import('node:net').Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      let seen = '';
      socket.on('data', (d) => {
        seen += d.toString('latin1');
        while (seen.includes('\r\n\r\n')) {
          seen = seen.slice(seen.indexOf('\r\n\r\n') + 4);
          socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
        }
      });
    });
    const registry = await listenOnLoopback(server, sockets);
    const http = new Http();
    try {
      const get = async () =>
        (await http.request({ method: 'GET', url: `http://${registry.address}/v2/` })).body.dump();
      await get();
      await new Promise((r) => setTimeout(r, 5_000));
      await get();
      expect(sockets.size).toBe(1);
    } finally {
      await http.close();
      await registry.stop();
    }
  }, 15_000);
});
