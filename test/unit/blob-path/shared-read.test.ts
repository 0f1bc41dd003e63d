// One read of a blob for several uploads: every chunk reaches each, the source is opened and read once,
// and no upload waits on one that will not read (settled, closed, or retrying on its own).
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import type { BlobSource } from '../../../src/blob-path/blob-pump.js';
import { SharedRead } from '../../../src/blob-path/shared-read.js';

/** A source of `chunks` chunks of 4 bytes in one reused buffer (depth 1), counting its reads. */
function fakeSource(chunks: number, failAt?: number) {
  const buffer = Buffer.alloc(4);
  const counts = { reads: 0, closed: 0 };
  const source: BlobSource = {
    kind: 'blob-source',
    size: chunks * 4,
    depth: 1,
    read: async () => {
      await new Promise((r) => setImmediate(r));
      if (counts.reads === failAt) throw new Error('source broke');
      if (counts.reads >= chunks) return null;
      buffer.writeUInt32BE(counts.reads++);
      return buffer;
    },
    close: () => void counts.closed++,
  };
  return { source, counts };
}

/** Reads a body to its end as a depth-1 reader may: using each chunk (for `holdMs`) until the next read. */
async function drain(body: BlobSource | Readable, holdMs = 0): Promise<number[]> {
  if (!('kind' in body)) throw new Error('not a BlobSource');
  const seen: number[] = [];
  try {
    for (let chunk = await body.read(); chunk; chunk = await body.read()) {
      if (holdMs) await new Promise((r) => setTimeout(r, holdMs)); // a write still pending
      seen.push(chunk.readUInt32BE());
    }
  } finally {
    body.close();
  }
  return seen;
}

describe('SharedRead', () => {
  test('three uploads, one source opened once and read once per chunk', async () => {
    const { source, counts } = fakeSource(5);
    let opened = 0;
    const shared = new SharedRead(() => (opened++, Promise.resolve(source)), 3);
    const turns = [shared.turn(), shared.turn(), shared.turn()];
    const seen = await Promise.all(turns.map(async (t) => drain(await t.open())));
    expect(seen).toEqual([0, 1, 2].map(() => [0, 1, 2, 3, 4]));
    expect(opened).toBe(1);
    expect(counts.reads).toBe(5);
    expect(counts.closed).toBe(1);
  });

  test('a slow upload sets the pace: the buffer is not read into again while it still holds it', async () => {
    const { source, counts } = fakeSource(4);
    const shared = new SharedRead(() => Promise.resolve(source), 2);
    const [fast, slow] = [shared.turn(), shared.turn()];
    const seen = await Promise.all([
      fast.open().then((b) => drain(b)),
      slow.open().then((b) => drain(b, 15)),
    ]);
    expect(seen).toEqual([
      [0, 1, 2, 3],
      [0, 1, 2, 3],
    ]);
    expect(counts.reads).toBe(4);
  });

  test('the read starts only when every target has joined or settled, and a settled one is not waited for', async () => {
    const { source } = fakeSource(2);
    let opened = 0;
    const shared = new SharedRead(() => (opened++, Promise.resolve(source)), 2);
    const [a, b] = [shared.turn(), shared.turn()];
    const reading = a.open().then(drain);
    await new Promise((r) => setTimeout(r, 20));
    expect(opened).toBe(0); // still waiting for b to decide
    b.settle(); // b found the blob already there
    expect(await reading).toEqual([0, 1]);
    expect(opened).toBe(1);
  });

  test('an upload that stops part way does not hold the others back', async () => {
    const { source } = fakeSource(4);
    const shared = new SharedRead(() => Promise.resolve(source), 2);
    const [a, b] = [shared.turn(), shared.turn()];
    const quitter = (async () => {
      const body = (await a.open()) as BlobSource;
      await body.read();
      body.close(); // its upload failed
    })();
    expect(await b.open().then(drain)).toEqual([0, 1, 2, 3]);
    await quitter;
  });

  test('a retry reads on its own; a turn settles at most once', async () => {
    const sources = [fakeSource(2), fakeSource(2)];
    let opened = 0;
    const shared = new SharedRead(() => Promise.resolve(sources[opened++]!.source), 1);
    const t = shared.turn();
    expect(await t.open().then(drain)).toEqual([0, 1]);
    t.settle(); // no effect after it joined
    expect(await t.open().then(drain)).toEqual([0, 1]);
    expect(opened).toBe(2);
  });

  test('a failed read fails every upload that shares it', async () => {
    const { source } = fakeSource(3, 1);
    const shared = new SharedRead(() => Promise.resolve(source), 2);
    const results = await Promise.allSettled(
      [shared.turn(), shared.turn()].map(async (t) => drain(await t.open())),
    );
    expect(results.map((r) => r.status === 'rejected' && String(r.reason))).toEqual([
      'Error: source broke',
      'Error: source broke',
    ]);
  });

  test('a stream body (the undici way) goes to one upload; the others open their own', async () => {
    let opened = 0;
    const shared = new SharedRead(() => (opened++, Promise.resolve(Readable.from(['x']))), 2);
    const bodies = await Promise.all([shared.turn(), shared.turn()].map((t) => t.open()));
    expect(bodies[0]).not.toBe(bodies[1]);
    expect(opened).toBe(2);
  });

  test('when every target settles, nothing is opened', async () => {
    let opened = 0;
    const shared = new SharedRead(() => (opened++, Promise.resolve(fakeSource(1).source)), 2);
    shared.turn().settle();
    shared.turn().settle();
    await new Promise((r) => setTimeout(r, 10));
    expect(opened).toBe(0);
  });
});
