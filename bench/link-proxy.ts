// A wide-area link on loopback for the benchmarks (this machine's kernel has
// no netem): a TCP proxy on 127.0.0.1 in front of one upstream (the target
// registry) that delays each direction by half the round trip, a new
// connection's first bytes by a whole one more (the handshake), and sends each
// direction through one token bucket shared by all its connections. Each
// connection holds at most WINDOW bytes in the link (TCP's window), so a
// sender feels back-pressure as it would. It counts connections and client
// turns (link.ts). Not modelled: loss, slow start.
import { appendFileSync } from 'node:fs';
import * as net from 'node:net';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { TokenBucket, TurnCounts, type LinkProfile } from './link.js';

/** Bytes one connection may have in the link per direction (Linux's default tcp_wmem maximum). */
const WINDOW = 4 * 1024 * 1024;

export interface LinkProxy {
  /** host:port to give clients instead of the upstream's. */
  address: string;
  counts: TurnCounts;
  stop(): Promise<void>;
}

interface Held {
  chunk: Buffer;
  at: number;
}

/** One direction of one connection: chunks held until their time, written in order. */
function pipe(
  from: net.Socket,
  to: net.Socket,
  delayMs: number,
  bucket: TokenBucket | undefined,
  gate: number,
  seen: (chunk: Buffer) => void,
): void {
  const held: Held[] = [];
  let inLink = 0;
  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  let blocked = false;

  const flush = () => {
    timer = undefined;
    const now = performance.now();
    while (held.length > 0 && !blocked && (held[0]?.at ?? Infinity) <= now) {
      const { chunk } = held.shift() as Held;
      inLink -= chunk.length;
      if (!to.write(chunk)) blocked = true;
    }
    if (inLink < WINDOW / 2 && from.isPaused()) from.resume();
    if (held.length === 0 && ended) to.end();
    else if (!blocked) schedule();
  };
  const schedule = () => {
    const head = held[0];
    if (timer || !head) return;
    timer = setTimeout(flush, Math.max(0, head.at - performance.now()));
  };
  to.on('drain', () => {
    blocked = false;
    flush();
  });
  from.on('data', (chunk: Buffer) => {
    seen(chunk);
    const now = Math.max(performance.now(), gate);
    const leaves = bucket ? bucket.reserve(chunk.length, now) : now;
    held.push({ chunk, at: leaves + delayMs });
    inLink += chunk.length;
    if (inLink > WINDOW) from.pause();
    schedule();
  });
  from.on('end', () => {
    ended = true;
    if (held.length === 0) to.end();
  });
}

/**
 * BENCH_LINK_TRACE=FILE: every request line that enters the link, with the milliseconds since the
 * link started and the connection's number (a profile of a run's round trips).
 */
function traceTo(file: string | undefined, t0: number): ((id: number, chunk: Buffer) => void) | undefined {
  if (!file) return undefined;
  return (id, chunk) => {
    const line = /^([A-Z]+) (\S+) HTTP\/1\.1\r\n/.exec(chunk.toString('latin1', 0, 512));
    if (line)
      appendFileSync(
        file,
        `${(performance.now() - t0).toFixed(1)} #${id} ${line[1]} ${line[2]?.slice(0, 100)}\n`,
      );
  };
}

/** A link in front of `upstream` (host:port) on a free loopback port. */
export async function startLinkProxy(upstream: string, profile: LinkProfile): Promise<LinkProxy> {
  const [host = '127.0.0.1', port = '0'] = upstream.split(':');
  const now = performance.now();
  const rate = profile.bitsPerSecond / 8;
  const burst = Math.max(64 * 1024, rate / 1000);
  const up = rate > 0 ? new TokenBucket(rate, burst, now) : undefined;
  const down = rate > 0 ? new TokenBucket(rate, burst, now) : undefined;
  const half = profile.rttMs / 2;
  const counts = new TurnCounts();
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const trace = traceTo(process.env.BENCH_LINK_TRACE, now);

  const server = net.createServer((client) => {
    const turn = counts.open();
    const gate = performance.now() + profile.rttMs;
    const target = net.connect(Number(port), host);
    for (const s of [client, target]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('error', () => {
        client.destroy();
        target.destroy();
      });
      s.on('close', () => {
        sockets.delete(s);
        turn.close();
      });
    }
    const id = ++connections;
    pipe(client, target, half, up, gate, (chunk) => {
      turn.client();
      trace?.(id, chunk);
    });
    pipe(target, client, half, down, 0, () => turn.server());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const a = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${a.port}`,
    counts,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A fresh target registry, behind a link of `profile` unless it is loopback; `counts` when behind one. */
export async function startLinkedRegistry(
  profile: LinkProfile,
): Promise<TestRegistry & { counts?: TurnCounts }> {
  const registry = await startRegistry();
  if (profile.rttMs === 0 && profile.bitsPerSecond === 0) return registry;
  const link = await startLinkProxy(registry.address, profile);
  return {
    ...registry,
    address: link.address,
    url: `http://${link.address}`,
    counts: link.counts,
    async stop() {
      await link.stop();
      await registry.stop();
    },
  };
}
