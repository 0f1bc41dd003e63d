// Merge-only mode: no build, no QEMU, no local registry. The images named in
// 'sources' (or in the digest files under 'sources-from', written by
// push-by-digest build jobs) are merged into one index at 'tags'.
import * as core from '@actions/core';
import { keepEntry } from '../oci/attestations.js';
import { publish } from '../publish/all-or-nothing.js';
import { writeArchive } from '../publish/archive.js';
import { readDigestFiles } from '../publish/digest-file.js';
import { publishableIndex } from '../publish/publishable-index.js';
import { referrerRows } from '../publish/referrers-rows.js';
import type { PublishOptions } from '../publish/options.js';
import type { Outcome } from '../publish/outputs.js';
import type { RegistryClients } from '../registry/clients.js';
import { logSources, readSources, type SourceReference } from './sources.js';

export interface MergeOptions extends PublishOptions {
  /** Registry references or OCI layouts to merge. */
  sources: SourceReference[];
  /** A directory of push-by-digest digest files to merge too, or ''. */
  sourcesFrom: string;
}

function noSource(digest: string): never {
  throw new Error(`index entry ${digest} has no source`); // a bug: reported as unexpected
}

/** The sources named by the input, then those of the digest files (push-by-digest jobs). */
function sourceRefs(options: MergeOptions): SourceReference[] {
  return options.sourcesFrom
    ? [...options.sources, ...readDigestFiles(options.sourcesFrom)]
    : options.sources;
}

/**
 * `checked` reports the pre-flight (started by the caller): the sources are read beside it, and its
 * failure is the one said when both fail.
 */
export async function runMergeOnly(
  clients: RegistryClients,
  options: MergeOptions,
  checked?: () => Promise<void>,
): Promise<Outcome> {
  const reading = readSources(sourceRefs(options), (registry) => clients.get(registry));
  reading.catch(() => undefined); // awaited below, after the checks
  await checked?.();
  const images = await core.group('Reading sources', async () => logSources(await reading));
  const entries = images.flatMap((i) =>
    i.entries
      .filter((d) => keepEntry(d, options.attestations))
      .map((d) => ({ from: i.from, descriptor: d, platform: i.platform })),
  );
  const index = publishableIndex(
    entries.map((e) => e.descriptor),
    options,
  );
  const referrers = await core.group('Merging index', async () => {
    core.info(`Index ${index.digest} (${index.mediaType}) with ${images.length} platform(s)`);
    if (options.push) return publish(clients, options, entries, index);
    core.info("'push' is false: the sources were read and merged, nothing was pushed.");
    return [];
  });
  if (options.ociArchive) {
    const from = new Map(entries.map((e) => [e.descriptor.digest, e.from]));
    await core.group('Writing OCI archive', () =>
      writeArchive(options, (digest) => from.get(digest) ?? noSource(digest), index),
    );
  }
  const rows = images.map((i) => ({
    platform: i.platform,
    digest: i.digest,
    size: i.size,
    how: `merged from ${i.source}`,
  }));
  return { index, rows, referrers: referrerRows(referrers) };
}
