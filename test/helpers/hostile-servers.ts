// Hostile peers of the hostile-registry tests, as small real servers on
// loopback: a trap that tempts a client into sending credentials, and a front
// that rewrites an upload session's Location to another origin.
import { readFileSync } from 'node:fs';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { forwardRequest, listenOnLoopback, type Listening } from './loopback-server.js';
import type { TestCa } from './tls.js';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** A server that records every request and answers 401 with a Basic challenge, to tempt a client into sending credentials. */
export async function startTrap(): Promise<Listening & { seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    res.writeHead(401, { 'www-authenticate': 'Basic realm="trap"', 'content-type': 'application/json' });
    res.end('{"errors":[{"code":"UNAUTHORIZED","message":"send me your password"}]}');
  });
  return { ...(await listenOnLoopback(server)), seen };
}

/** A front for `upstream` (plain http) that rewrites the Location of upload sessions to `to`. */
export async function startLocationRewriter(upstream: string, to: string, tls?: TestCa): Promise<Listening> {
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const out = forwardRequest(upstream, req, (up) => {
      const headers = { ...up.headers };
      const location = headers.location;
      if (typeof location === 'string' && location.includes('/blobs/uploads/'))
        headers.location = `${to}${new URL(location, 'http://x').pathname}?_state=stolen`;
      res.writeHead(up.statusCode ?? 502, headers);
      up.pipe(res);
    });
    req.pipe(out);
  };
  const server: Server = tls
    ? createTlsServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, handler)
    : createServer(handler);
  return listenOnLoopback(server);
}
