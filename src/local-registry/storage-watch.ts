// The local registry's blobs as they land: distribution writes an upload under
// _uploads/ and renames it to blobs/sha256/<2 hex>/<hex>/data once its digest
// checked out, so a data file that is there is whole. Polling the storage (a
// few readdirs, no events from the registry to secure) tells build mode of
// each large blob while BuildKit still exports the rest of a multi-platform
// build, so its copy to the targets can start then.
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Descriptor } from '../oci/types.js';

export interface StorageWatch {
  /** Stops polling; answers once a scan under way has ended (no call of onNew after it). */
  stop(): Promise<void>;
}

const POLL_MS = 200;

/** The blobs of `minBytes` or more in the storage now (missing directories: none yet). */
export async function storedBlobs(storage: string, minBytes: number): Promise<Descriptor[]> {
  const root = path.join(storage, 'docker', 'registry', 'v2', 'blobs', 'sha256');
  const found: Descriptor[] = [];
  for (const two of await readdir(root).catch(() => [])) {
    for (const hex of await readdir(path.join(root, two)).catch(() => [])) {
      if (!/^[a-f0-9]{64}$/.test(hex)) continue;
      const size = await stat(path.join(root, two, hex, 'data')).then(
        (s) => s.size,
        () => -1,
      );
      if (size >= minBytes)
        found.push({ mediaType: 'application/octet-stream', digest: `sha256:${hex}`, size });
    }
  }
  return found;
}

/** Calls onNew with every blob of `minBytes` or more that appears in `storage`, each once, until stop(). */
export function watchStoredBlobs(
  storage: string,
  minBytes: number,
  onNew: (blobs: Descriptor[]) => void,
  pollMs = POLL_MS,
): StorageWatch {
  const seen = new Set<string>();
  let stopped = false;
  let scanning: Promise<void> = Promise.resolve();
  const scan = async () => {
    const fresh = (await storedBlobs(storage, minBytes)).filter((b) => !seen.has(b.digest));
    if (stopped || fresh.length === 0) return;
    for (const b of fresh) seen.add(b.digest);
    onNew(fresh);
  };
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return; // a slow disk: the next tick after this scan ends
    busy = true;
    scanning = scan()
      .catch(() => undefined) // a file gone or unreadable: the copy after the build has it
      .finally(() => (busy = false));
  }, pollMs);
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await scanning;
    },
  };
}
