// Overlap: a platform's blobs go up to every target as soon as its build
// ended, while the other platforms still build. Only blobs: child manifests,
// the index and tags still wait for the merge, after every platform
// succeeded, so a failed run tags nothing (its blobs are left untagged, for
// the registry's garbage collection). One platform at a time, so two
// platforms never race to upload a layer they share.
import type { Repo } from '../oci/image-source.js';
import { keepEntry, type AttestationMode } from '../oci/attestations.js';
import { copyEntryBlobs } from '../publish/all-or-nothing.js';
import { newStats, type CopyStats } from '../registry/copy.js';
import type { Target } from '../registry/clients.js';
import type { Timeline } from '../timeline.js';
import type { PlatformResult } from './build-spec.js';

export class EarlyCopies {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly copies: Promise<CopyStats>[] = [];
  private targets?: Promise<readonly Target[]>;

  constructor(
    private readonly resolveTargets: () => Promise<readonly Target[]>,
    private readonly local: Repo,
    private readonly attestations: AttestationMode,
    private readonly timeline: Timeline,
  ) {}

  /** Queues one build's platforms' blobs (one copy); a failure surfaces in settle(), not here. */
  start(results: readonly PlatformResult[]): void {
    const entries = results
      .flatMap((r) => r.image.entries)
      .filter((d) => keepEntry(d, this.attestations))
      .map((descriptor) => ({ from: this.local, descriptor }));
    const label = `${results.map((r) => r.platform).join(', ')} blobs, while others build`;
    const copy = this.queue.then(async () => {
      this.targets ??= this.resolveTargets();
      const targets = await this.targets;
      return this.timeline.time('Copies', label, () => copyEntryBlobs(entries, targets));
    });
    copy.catch(() => undefined); // handled in settle(): no unhandled rejection meanwhile
    this.queue = copy.catch(() => undefined);
    this.copies.push(copy);
  }

  /** Waits for every queued copy; throws the first failure; answers what they uploaded. */
  async settle(): Promise<CopyStats> {
    const settled = await Promise.allSettled(this.copies);
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const total = newStats();
    for (const s of settled) {
      if (s.status !== 'fulfilled') continue;
      for (const k of Object.keys(total) as (keyof CopyStats)[]) total[k] += s.value[k];
    }
    return total;
  }

  get started(): number {
    return this.copies.length;
  }
}
