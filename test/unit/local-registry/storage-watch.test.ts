// The storage watch on a real directory laid out as distribution lays it out:
// each blob of the minimum size or more told once, as it appears (renamed into
// place, as distribution commits an upload), smaller ones never, nothing after stop().
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { storedBlobs, watchStoredBlobs } from '../../../src/local-registry/storage-watch.js';
import { blobPath } from '../../../src/local-registry/storage.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function storage(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'storage-watch-'));
  dirs.push(d);
  return d;
}

/** Writes `size` bytes under _uploads, then renames the file into the blob's place. */
function land(root: string, hexChar: string, size: number): string {
  const digest = `sha256:${hexChar.repeat(64)}`;
  const upload = path.join(root, 'docker', 'registry', 'v2', 'repositories', '_uploads', hexChar);
  mkdirSync(upload, { recursive: true });
  writeFileSync(path.join(upload, 'data'), Buffer.alloc(size));
  const target = blobPath(root, digest);
  mkdirSync(path.dirname(target), { recursive: true });
  renameSync(path.join(upload, 'data'), target);
  return digest;
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('watching the local registry storage for blobs', () => {
  test('an empty or missing storage has no blobs', async () => {
    expect(await storedBlobs(path.join(storage(), 'nothing-here'), 1)).toEqual([]);
  });

  test('each large blob is told once as it lands; small ones never; nothing after stop()', async () => {
    const root = storage();
    const told: string[][] = [];
    const watch = watchStoredBlobs(
      root,
      1000,
      (blobs) => told.push(blobs.map((b) => `${b.digest.slice(7, 8)}:${b.size}`)),
      10,
    );
    try {
      land(root, 'a', 4000);
      land(root, 'b', 10); // a config: below the minimum
      await tick(80);
      land(root, 'c', 1000);
      await tick(80);
    } finally {
      await watch.stop();
    }
    land(root, 'd', 5000);
    await tick(50);
    expect(told).toEqual([['a:4000'], ['c:1000']]);
  });
});
