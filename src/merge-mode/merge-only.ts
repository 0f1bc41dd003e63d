// Merge-only mode: no build, no QEMU, no local registry. The images named in
// 'sources' (or in the digest files under 'sources-from', written by
// push-by-digest build jobs) are merged into one index at 'tags'.
import * as core from '@actions/core';
import { keepEntry } from '../oci/attestations.js';
import { publish } from '../publish/all-or-nothing.js';
import { writeArchive } from '../publish/archive.js';
import { readDigestFiles } from '../publish/digest-file.js';
import { publishableIndex } from '../publish/publishable-index.js';
import type { PublishOptions } from '../publish/options.js';
import type { Outcome } from '../publish/outputs.js';
import type { RegistryClients } from '../registry/clients.js';
import { readSources, type SourceReference } from './sources.js';

export interface MergeOptions extends PublishOptions {
  /** Registry references or OCI layouts to merge. */
  sources: SourceReference[];
  /** A directory of push-by-digest digest files to merge too, or ''. */
  sourcesFrom: string;
}

function noSource(digest: string): never {
  throw new Error(`index entry ${digest} has no source`); // a bug: reported as unexpected
}

export async function runMergeOnly(clients: RegistryClients, options: MergeOptions): Promise<Outcome> {
  const refs = options.sourcesFrom
    ? [...options.sources, ...readDigestFiles(options.sourcesFrom)]
    : options.sources;
  const images = await core.group('Reading sources', () =>
    readSources(refs, (registry) => clients.get(registry)),
  );
  const entries = images.flatMap((i) =>
    i.entries.filter((d) => keepEntry(d, options.attestations)).map((d) => ({ from: i.from, descriptor: d })),
  );
  const index = publishableIndex(
    entries.map((e) => e.descriptor),
    options,
  );
  await core.group('Merging index', async () => {
    core.info(`Index ${index.digest} (${index.mediaType}) with ${images.length} platform(s)`);
    if (options.push) await publish(clients, options, entries, index);
    else core.info("'push' is false: the sources were read and merged, nothing was pushed.");
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
  return { index, rows };
}
