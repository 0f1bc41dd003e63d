// Overlap: a platform's blobs go up to every target as soon as its build
// ended, while the other platforms still build. Only blobs: child manifests,
// the index and tags still wait for the merge, after every platform
// succeeded, so a failed run tags nothing (its blobs are left untagged, for
// the registry's garbage collection). One platform at a time, so two
// platforms never race to upload a layer they share. In one multi-platform
// build, large blobs go up as they land in the local registry's storage
// (startBlobs), each once; a platform's copy after them waits for them.
import type { Repo } from '../oci/image-source.js';
import { keepEntry, type AttestationMode } from '../oci/attestations.js';
import { copyEntryBlobs } from '../publish/all-or-nothing.js';
import { copyBlobList, newStats, type CopyStats } from '../registry/copy.js';
import type { Descriptor } from '../oci/types.js';
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
      const targets = await this.resolved();
      return this.timeline.time('Copies', label, () => copyEntryBlobs(entries, targets));
    });
    copy.catch(() => undefined); // handled in settle(): no unhandled rejection meanwhile
    this.queue = copy.catch(() => undefined);
    this.copies.push(copy);
  }

  /**
   * Blobs that landed in the local registry while the build still exports: their copy starts now,
   * beside any other such copy (never the same blob twice: the watch tells each once), and what is
   * queued after it waits for it, so a platform's copy finds them there instead of racing them.
   */
  startBlobs(blobs: readonly Descriptor[]): void {
    const label = `${blobs.length} blob(s) as they landed, during the build`;
    const copy = this.resolved().then((targets) =>
      this.timeline.time('Copies', label, async () => {
        const stats = newStats();
        await copyBlobList(this.local, blobs, targets, stats);
        return stats;
      }),
    );
    copy.catch(() => undefined); // handled in settle()
    this.queue = Promise.all([this.queue, copy.catch(() => undefined)]);
    this.copies.push(copy);
  }

  private resolved(): Promise<readonly Target[]> {
    this.targets ??= this.resolveTargets();
    return this.targets;
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
