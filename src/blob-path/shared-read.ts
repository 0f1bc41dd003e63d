// One read of a blob for its uploads to several registries at once: every
// chunk the source hands out goes to each upload, and the next chunk is read
// once all of them are done with it (so the slowest target sets the pace, and
// the source is read once, not once per target).
//
// Each target has a turn: its first open() joins the shared read, a retry
// opens a read of its own (a failed upload never holds the others back), and
// settle() says it will not read at all (the blob was there, or mounted, or
// its upload failed before it opened a body). The shared read starts when
// every target has joined or settled. A body that is not a BlobSource (the
// undici way: a small blob, a proxy, a redirect) goes to the first target and
// the others open their own.
import type { Readable } from 'node:stream';
import { isBlobSource, type BlobSource } from './blob-pump.js';

type Body = Readable | BlobSource;

export interface ReadTurn {
  open(): Promise<Body>;
  settle(): void;
}

interface Reader {
  /** The reader is done with the chunk it was given: it asks for the next. */
  asked: boolean;
  deliver?: (chunk: Buffer | null | Error) => void;
}

export class SharedRead {
  private undecided: number;
  private readonly joined = new Set<Reader>();
  private started?: Promise<Body>;
  private allDecided!: () => void;
  private readonly decided = new Promise<void>((resolve) => (this.allDecided = resolve));
  private source?: BlobSource;
  private reading = false;

  constructor(
    private readonly openOwn: () => Promise<Body>,
    targets: number,
  ) {
    this.undecided = targets;
    if (targets <= 0) this.allDecided();
  }

  turn(): ReadTurn {
    let state: 'new' | 'joined' | 'settled' = 'new';
    return {
      open: () => {
        if (state !== 'new') return this.openOwn();
        state = 'joined';
        return this.join();
      },
      settle: () => {
        if (state !== 'new') return;
        state = 'settled';
        this.decide();
      },
    };
  }

  private decide(): void {
    if (--this.undecided === 0) this.allDecided();
  }

  private async join(): Promise<Body> {
    const reader: Reader = { asked: false };
    this.joined.add(reader);
    this.decide();
    this.started ??= this.decided.then(() => this.openOwn());
    const body = await this.started.catch((err: unknown) => {
      this.joined.delete(reader);
      throw err;
    });
    if (!isBlobSource(body)) {
      this.joined.delete(reader);
      // The first reader takes the stream; the others read on their own.
      return this.takeStream(body);
    }
    this.source = body;
    return this.consumer(reader, body.size);
  }

  private streamTaken = false;
  private takeStream(body: Readable): Promise<Body> {
    if (this.streamTaken) return this.openOwn();
    this.streamTaken = true;
    return Promise.resolve(body);
  }

  private consumer(reader: Reader, size: number): BlobSource {
    return {
      kind: 'blob-source',
      size,
      depth: 1,
      read: () =>
        new Promise<Buffer | null>((resolve, reject) => {
          reader.deliver = (chunk) => (chunk instanceof Error ? reject(chunk) : resolve(chunk));
          reader.asked = true;
          this.pull();
        }),
      close: () => {
        if (!this.joined.delete(reader)) return;
        if (this.joined.size === 0) this.source?.close();
        else this.pull(); // the others may have been waiting for this one
      },
    };
  }

  /** Reads the next chunk once every joined reader has asked for it, and hands it to each. */
  private pull(): void {
    if (this.reading || !this.source || this.joined.size === 0) return;
    for (const r of this.joined) if (!r.asked) return;
    this.reading = true;
    const readers = [...this.joined];
    for (const r of readers) r.asked = false;
    this.source.read().then(
      (chunk) => this.hand(readers, chunk),
      (err: unknown) => this.hand(readers, err instanceof Error ? err : new Error(String(err))),
    );
  }

  private hand(readers: Reader[], chunk: Buffer | null | Error): void {
    this.reading = false;
    for (const r of readers) {
      const deliver = r.deliver;
      r.deliver = undefined;
      deliver?.(chunk);
    }
  }
}
