// An HTTP proxy on 127.0.0.1 in front of one registry that makes two runs'
// tag pushes meet: a manifest PUT to a tag (not a digest) is held until
// `parties` PUTs to the same tag are waiting (or `timeoutMs` passed), then all
// of them go on together. Nothing is changed or refused: it only schedules,
// so a race that needs luck on a real registry happens every time.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { forwardRequest, listenOnLoopback, relayTo } from './loopback-server.js';

export interface RendezvousProxy {
  address: string;
  /** Tags whose PUTs met (all `parties` held at once). */
  met: string[];
  stop(): Promise<void>;
}

function forward(upstream: string, req: IncomingMessage, res: ServerResponse): void {
  req.pipe(forwardRequest(upstream, req, relayTo(res)));
}

const TAG_PUT = /^\/v2\/.+\/manifests\/(?!sha256:)[^/]+$/;

export async function startRendezvousProxy(
  upstream: string,
  { parties = 2, timeoutMs = 10_000 } = {},
): Promise<RendezvousProxy> {
  const waiting = new Map<string, (() => void)[]>();
  const met: string[] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    if (req.method !== 'PUT' || !TAG_PUT.test(url)) return forward(upstream, req, res);
    req.pause(); // the body waits with the request
    const go = () => forward(upstream, req, res);
    const queue = [...(waiting.get(url) ?? []), go];
    if (queue.length >= parties) {
      waiting.delete(url);
      met.push(url);
      queue.forEach((f) => f());
      return;
    }
    waiting.set(url, queue);
    setTimeout(() => {
      if (waiting.get(url)?.includes(go)) {
        waiting.set(
          url,
          (waiting.get(url) ?? []).filter((f) => f !== go),
        );
        go();
      }
    }, timeoutMs);
  });
  return { ...(await listenOnLoopback(server)), met };
}
