// The merge step of both modes: the index the inputs ask for, copied with
// everything it references to every tag's repository, the index last.
import * as core from '@actions/core';
import type { PlatformResult } from '../build/platforms.js';
import { ActionError } from '../errors.js';
import type { Http } from '../http.js';
import type { Inputs } from '../inputs/validate.js';
import { formatProblem, keepEntry, mergeIndex, type MergedIndex } from '../oci/index-merge.js';
import type { Descriptor } from '../oci/types.js';
import { pushByDigest } from './by-digest.js';
import { RegistryClients } from '../registry/clients.js';
import type { Location } from '../registry/copy.js';
import type { SourceLocation } from '../oci/image-source.js';
import { writeOciArchive } from '../oci/archive.js';
import { copyEntries, pushIndex, type SourcedEntry } from './all-or-nothing.js';

/** The index the inputs ask for; a format that cannot hold the entries is an input error. */
export function buildIndex(entries: readonly Descriptor[], inputs: Inputs): MergedIndex {
  const problem = formatProblem(entries, inputs.indexFormat);
  if (problem) throw new ActionError(problem);
  return mergeIndex(entries, { format: inputs.indexFormat, annotations: inputs.annotations });
}

/** Copies every entry to every tag's repository, then pushes the index: all or nothing. */
export async function publish(
  clients: RegistryClients,
  inputs: Inputs,
  entries: readonly SourcedEntry[],
  index: MergedIndex,
): Promise<void> {
  const targets = await clients.targets(inputs.tags);
  const stats = await copyEntries(entries, targets);
  core.info(
    `Blobs: ${stats.blobsUploaded} uploaded (${stats.bytesUploaded} bytes), ${stats.blobsMounted} mounted, ${stats.blobsSkipped} already there`,
  );
  await pushIndex(targets, index);
}

/** Build mode's merge: the index into the local registry always; to the targets when pushing. */
export async function mergeBuilt(
  http: Http,
  inputs: Inputs,
  local: Location,
  results: readonly PlatformResult[],
): Promise<MergedIndex> {
  const entries = results.flatMap((r) => r.image.entries).filter((d) => keepEntry(d, inputs.attestations));
  const index = buildIndex(entries, inputs);
  await local.client.putManifest(local.repository, 'index', { ...index });
  core.info(`Index ${index.digest} (${index.mediaType}) with ${results.length} platform(s)`);
  const sourced = entries.map((descriptor) => ({ from: local, descriptor }));
  const clients = new RegistryClients(http, inputs);
  if (inputs.pushByDigest)
    await pushByDigest(sourced, await clients.targets(inputs.tags), results, index, inputs.digestFile);
  else if (inputs.push) await publish(clients, inputs, sourced, index);
  return index;
}

/** Writes the index to 'oci-archive'; `sourceOf` says where each of its manifests is read from. */
export async function writeArchive(
  inputs: Inputs,
  sourceOf: (digest: string) => SourceLocation,
  index: MergedIndex,
): Promise<void> {
  const refName = inputs.tags[0]?.tag ?? 'latest';
  await writeOciArchive(inputs.ociArchive, sourceOf, index, refName);
  core.info(`Wrote ${index.digest} with every platform to ${inputs.ociArchive} (ref ${refName})`);
}
