// Merge-only mode: no build, no QEMU, no local registry. The images named in
// 'sources' (or in the digest files under 'sources-from', written by
// push-by-digest build jobs) are merged into one index at 'tags'.
import * as core from '@actions/core';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ActionError } from '../errors.js';
import type { Http } from '../http.js';
import type { Inputs } from '../inputs/validate.js';
import { buildIndex, publish, writeArchive } from '../publish/merge.js';
import { keepEntry } from '../oci/index-merge.js';
import type { Outcome } from '../publish/outputs.js';
import type { DigestFile } from '../publish/by-digest.js';
import { RegistryClients } from '../registry/clients.js';
import { parseReference, type Reference } from '../registry/reference.js';
import { readSources } from './sources.js';

/** Every platform digest in the digest files of a directory, as repository@digest references. */
export function readDigestFiles(dir: string): Reference[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  if (files.length === 0) {
    throw new ActionError(
      `Input 'sources-from' is '${dir}', which holds no .json digest files. Upload them from the build jobs ('digest-file') and download them here first.`,
    );
  }
  return files.flatMap((f) => {
    let parsed: DigestFile;
    try {
      parsed = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as DigestFile;
      return Object.values(parsed.platforms).map((digest) =>
        parseReference(`${parsed.repository}@${digest}`),
      );
    } catch (err) {
      throw new ActionError(
        `Digest file '${path.join(dir, f)}' is not one push-by-digest wrote: ${err instanceof Error ? err.message : String(err)}.`,
      );
    }
  });
}

function fail(digest: string): never {
  throw new Error(`index entry ${digest} has no source`);
}

export async function runMergeOnly(http: Http, inputs: Inputs): Promise<Outcome> {
  const clients = new RegistryClients(http, inputs);
  const refs = inputs.sourcesFrom
    ? [...inputs.sources, ...readDigestFiles(inputs.sourcesFrom)]
    : inputs.sources;
  const images = await core.group('Reading sources', () =>
    readSources(refs, (registry) => clients.get(registry)),
  );
  const entries = images.flatMap((i) =>
    i.entries.filter((d) => keepEntry(d, inputs.attestations)).map((d) => ({ from: i.from, descriptor: d })),
  );
  const index = buildIndex(
    entries.map((e) => e.descriptor),
    inputs,
  );
  await core.group('Merging index', async () => {
    core.info(`Index ${index.digest} (${index.mediaType}) with ${images.length} platform(s)`);
    if (inputs.push) await publish(clients, inputs, entries, index);
    else core.info("'push' is false: the sources were read and merged, nothing was pushed.");
  });
  if (inputs.ociArchive) {
    const from = new Map(entries.map((e) => [e.descriptor.digest, e.from]));
    await core.group('Writing OCI archive', () =>
      writeArchive(inputs, (digest) => from.get(digest) ?? fail(digest), index),
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
