// An HTTP proxy on 127.0.0.1 in front of one registry that carries request
// bodies at a set rate, like a slow uplink to a remote registry: uploads take
// long enough to be cancelled in the middle. It records when each upload
// (PUT or PATCH with a body) started and when its connection from the client
// closed, and the bytes it received. Nothing is changed or refused.
import { createServer, type IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { forwardRequest, listenOnLoopback, relayTo } from './loopback-server.js';

export interface Upload {
  url: string;
  started: number;
  /** When the client's side of the request ended or broke; undefined while it runs. */
  closed?: number;
  bytes: number;
}

export interface SlowProxy {
  address: string;
  uploads: Upload[];
  stop(): Promise<void>;
}

/** Passes chunks on no faster than `bytesPerSecond`. */
function throttle(bytesPerSecond: number): Transform {
  const started = Date.now();
  let sent = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      sent += chunk.length;
      const due = started + (sent / bytesPerSecond) * 1000;
      setTimeout(() => done(null, chunk), Math.max(0, due - Date.now()));
    },
  });
}

function track(req: IncomingMessage, uploads: Upload[]): void {
  if (req.method !== 'PUT' && req.method !== 'PATCH') return;
  if (Number(req.headers['content-length'] ?? 0) < 1024 * 1024) return;
  const upload: Upload = { url: req.url ?? '', started: Date.now(), bytes: 0 };
  uploads.push(upload);
  req.on('data', (d: Buffer) => (upload.bytes += d.length));
  req.socket.once('close', () => (upload.closed ??= Date.now()));
  req.once('end', () => (upload.closed ??= Date.now()));
}

export async function startSlowProxy(upstream: string, bytesPerSecond: number): Promise<SlowProxy> {
  const uploads: Upload[] = [];
  const server = createServer((req, res) => {
    track(req, uploads);
    const out = forwardRequest(upstream, req, relayTo(res));
    req.socket.once('close', () => out.destroy()); // the registry sees the upload break too
    req.pipe(throttle(bytesPerSecond)).pipe(out);
  });
  return { ...(await listenOnLoopback(server)), uploads };
}
