// The wide-area link the benchmarks put between a client and its target
// registry, as pure parts: the link profiles, the token bucket one link's
// direction shares across all its connections, and the count of client turns
// (requests on the wire), sequential or not. link-proxy.ts does the I/O.

export interface LinkProfile {
  name: string;
  /** Round-trip time: each direction is delayed by half of it, a new connection by a whole one. */
  rttMs: number;
  /** Shared by every connection, each direction on its own (a full-duplex link); 0 = unlimited. */
  bitsPerSecond: number;
}

export const PROFILES: Record<string, LinkProfile> = {
  loopback: { name: 'loopback', rttMs: 0, bitsPerSecond: 0 },
  '20ms-1g': { name: '20 ms RTT, 1 Gbit/s', rttMs: 20, bitsPerSecond: 1e9 },
  '80ms-200m': { name: '80 ms RTT, 200 Mbit/s', rttMs: 80, bitsPerSecond: 200e6 },
};

/** The profiles named in a comma-separated list; throws on a name that is not one. */
export function parseProfiles(list: string): [string, LinkProfile][] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((key) => {
      const p = PROFILES[key];
      if (!p) throw new Error(`unknown link profile '${key}': one of ${Object.keys(PROFILES).join(', ')}`);
      return [key, p];
    });
}

/** Seconds the bytes of `bytes` take on the wire at `bitsPerSecond` (the floor of a copy over the link). */
export function wireSeconds(bytes: number, bitsPerSecond: number): number {
  return bitsPerSecond > 0 ? (bytes * 8) / bitsPerSecond : 0;
}

/**
 * A token bucket in bytes, first come first served: `reserve` answers when `n` bytes may leave, and
 * takes them from the bucket at once (it may go into debt: later reservations wait for it). Up to
 * `burst` bytes pass at once after an idle spell. Times in milliseconds from any origin.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;
  private readonly perMs: number;

  constructor(
    bytesPerSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    if (!(bytesPerSecond > 0)) throw new Error(`a token bucket needs a rate above 0, not ${bytesPerSecond}`);
    this.perMs = bytesPerSecond / 1000;
    this.tokens = burst;
    this.at = now;
  }

  /** The time at which `n` bytes may leave (now or later). */
  reserve(n: number, now: number): number {
    if (now > this.at) {
      this.tokens = Math.min(this.burst, this.tokens + (now - this.at) * this.perMs);
      this.at = now;
    }
    this.tokens -= n;
    return this.tokens >= 0 ? now : this.at + -this.tokens / this.perMs;
  }
}

/**
 * Counts the requests a client makes over the link. A turn starts when the client sends after the
 * server has spoken (or first on a new connection): with HTTP/1.1 and no pipelining that is one request,
 * or two for a body sent after `100 Continue`. A turn is sequential when no other turn on any
 * connection is awaiting its answer as it starts: the client waited a whole round trip for nothing else.
 */
export class TurnCounts {
  connections = 0;
  turns = 0;
  sequential = 0;
  private awaiting = 0;

  /** A new connection's counter. */
  open(): { client(): void; server(): void; close(): void } {
    this.connections++;
    let waiting = false;
    let serverSpoke = true;
    return {
      client: () => {
        if (!serverSpoke) return;
        serverSpoke = false;
        this.turns++;
        if (this.awaiting === 0) this.sequential++;
        if (!waiting) this.awaiting++;
        waiting = true;
      },
      server: () => {
        serverSpoke = true;
        if (waiting) this.awaiting--;
        waiting = false;
      },
      close: () => {
        if (waiting) this.awaiting--;
        waiting = false;
      },
    };
  }
}
