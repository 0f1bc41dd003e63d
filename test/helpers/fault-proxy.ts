// A fault-injecting HTTP proxy on 127.0.0.1 in front of one registry. Every
// `every`-th request gets the next fault in turn: 503, 429 with Retry-After,
// a connection reset, or the upstream answer with its body cut in half (an
// empty body is cut as a reset after the upstream did the work). Optionally
// refuses request bodies above `maxBodyBytes` with 413, as nginx's
// client_max_body_size does. The Host header is kept, so the registry's
// Location headers point back at the proxy.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { forwardRequest, listenOnLoopback, relayTo } from './loopback-server.js';

export const FAULTS = ['503', '429', 'reset', 'truncate'] as const;
export type Fault = (typeof FAULTS)[number];

export interface FaultProxyOptions {
  /** Inject a fault into every n-th request; 0 for none. */
  every?: number;
  /** The faults to take turns with; all of FAULTS unless given. */
  faults?: readonly Fault[];
  maxBodyBytes?: number;
  /** An outage: from the first request `starts` matches, every request answers `fault` for `ms` (forever when 0). */
  outage?: { starts: (req: IncomingMessage) => boolean; ms: number; fault?: Fault };
}

export interface FaultProxy {
  address: string;
  /** How many of each fault were injected, and how many requests were seen. */
  counts: Record<Fault | 'requests' | '413' | 'outage', number>;
  log: string[];
  /** Every request seen, as `METHOD URL`. */
  requests: string[];
  stop(): Promise<void>;
}

function forward(upstream: string, req: IncomingMessage, onResponse: (up: IncomingMessage) => void): void {
  req.pipe(forwardRequest(upstream, req, onResponse));
}

function truncate(up: IncomingMessage, res: ServerResponse): void {
  const parts: Buffer[] = [];
  up.on('data', (d: Buffer) => parts.push(d));
  up.on('end', () => {
    const body = Buffer.concat(parts);
    if (body.length < 2) {
      res.socket?.destroy();
      return;
    }
    res.writeHead(up.statusCode ?? 502, { ...up.headers, 'content-length': String(body.length) });
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
  });
}

function inject(fault: Fault, upstream: string, req: IncomingMessage, res: ServerResponse): void {
  if (fault === 'truncate') {
    forward(upstream, req, (up) => truncate(up, res));
    return;
  }
  req.resume();
  if (fault === 'reset') {
    req.socket.resetAndDestroy();
    return;
  }
  const headers = { 'content-type': 'application/json', connection: 'close' };
  const body = JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: `injected ${fault}` }] });
  res.writeHead(Number(fault), fault === '429' ? { ...headers, 'retry-after': '1' } : headers);
  res.end(body);
}

export async function startFaultProxy(
  upstream: string,
  options: FaultProxyOptions = {},
): Promise<FaultProxy> {
  const counts = { requests: 0, '503': 0, '429': 0, reset: 0, truncate: 0, '413': 0, outage: 0 };
  const log: string[] = [];
  const requests: string[] = [];
  let injected = 0;
  let outageSince: number | undefined;
  const inOutage = (req: IncomingMessage): boolean => {
    const { outage } = options;
    if (!outage) return false;
    if (outageSince === undefined && outage.starts(req)) outageSince = Date.now();
    return outageSince !== undefined && (outage.ms === 0 || Date.now() - outageSince < outage.ms);
  };
  const server: Server = createServer((req, res) => {
    const n = ++counts.requests;
    requests.push(`${req.method} ${req.url}`);
    if (inOutage(req)) {
      counts.outage++;
      log.push(`${n} ${req.method} ${req.url} -> outage`);
      inject(options.outage?.fault ?? '503', upstream, req, res);
      return;
    }
    const length = Number(req.headers['content-length'] ?? 0);
    if (options.maxBodyBytes !== undefined && length > options.maxBodyBytes) {
      counts['413']++;
      log.push(`${n} ${req.method} ${req.url} -> 413 (${length} bytes)`);
      req.resume();
      res.writeHead(413, { 'content-type': 'text/html', connection: 'close' });
      res.end('<html><body>413 Request Entity Too Large</body></html>');
      return;
    }
    if (options.every && n % options.every === 0) {
      const faults = options.faults ?? FAULTS;
      const fault = faults[injected++ % faults.length] ?? '503';
      counts[fault]++;
      log.push(`${n} ${req.method} ${req.url} -> ${fault}`);
      inject(fault, upstream, req, res);
      return;
    }
    forward(upstream, req, relayTo(res));
  });
  return { ...(await listenOnLoopback(server)), counts, requests, log };
}
