// What the test servers and proxies share: listening on 127.0.0.1 at a port
// the kernel picks, with a stop that also ends the connections still open
// (keep-alive sockets and any in `sockets`, such as CONNECT tunnels); and
// forwarding a request to the upstream registry as it came.
import {
  request,
  type ClientRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';

export interface Listening {
  /** 127.0.0.1:PORT */
  address: string;
  stop: () => Promise<void>;
}

/** An HTTP server's keep-alive connections are ended too; a plain TCP server has only `sockets`. */
export async function listenOnLoopback(
  server: Server | NetServer,
  sockets: Iterable<Socket> = [],
): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address();
  return {
    address: `127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`,
    stop: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A TCP server on loopback that takes every connection and never sends a byte (a hanging TLS handshake). */
export async function listenSilently(): Promise<Listening> {
  const sockets = new Set<Socket>();
  return listenOnLoopback(
    createNetServer((s) => sockets.add(s)),
    sockets,
  );
}

/**
 * `req` sent on to `upstream` (host:port) with its method, path and headers (so the registry's Location
 * headers point back at the proxy); the caller pipes the body in. A failed upstream resets the client.
 */
export function forwardRequest(
  upstream: string,
  req: IncomingMessage,
  onResponse: (up: IncomingMessage) => void,
): ClientRequest {
  const [host = '', port = ''] = upstream.split(':');
  const out = request(
    { host, port: Number(port), method: req.method, path: req.url, headers: req.headers },
    onResponse,
  );
  out.on('error', () => req.socket.destroy());
  return out;
}

/** The upstream's answer passed on as it is. */
export function relayTo(res: ServerResponse): (up: IncomingMessage) => void {
  return (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  };
}
