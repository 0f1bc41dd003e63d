// A connection for a large blob's raw PUT, opened while the upload's POST is
// still on its way: the handshake's round trip (two with TLS) overlaps the
// POST's instead of following it. It is taken only for the origin it was
// opened to (a Location elsewhere gets a connection of its own), and closed
// when it was not taken.
import type * as net from 'node:net';
import { connectRaw } from './raw-http.js';

export class WarmSocket {
  private socket?: net.Socket;
  private broken = false;

  private constructor(
    private readonly origin: string,
    socket: net.Socket,
  ) {
    this.socket = socket;
    // A warm connection that failed is only a head start lost: the PUT opens its own.
    socket.on('error', () => (this.broken = true));
    socket.once('close', () => (this.broken = true));
  }

  static open(base: URL, ca?: string[]): WarmSocket {
    return new WarmSocket(base.origin, connectRaw(base, ca));
  }

  /** The connection, once, for a request to `url`'s origin; undefined when it broke or is for another. */
  take(url: URL): net.Socket | undefined {
    const socket = this.socket;
    if (!socket || this.broken || socket.destroyed || url.origin !== this.origin) return undefined;
    this.socket = undefined;
    return socket;
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }
}
