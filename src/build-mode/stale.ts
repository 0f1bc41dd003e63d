// What crashed runs left behind. A ledger entry whose run directory is gone
// (the runner wiped RUNNER_TEMP, or the run ended without post), or holds no
// run marker any more, is stale: its
// registry is stopped, if its process still runs exactly our registry command
// for that directory, and its images are removed, from the runner's engine and
// from an existing builder's engine that kept them too, as post does. Entries
// of runs still going are never touched, nor entries of a shape the action
// never writes.
import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { removeBuilder } from '../buildx/builder.js';
import { removeImages } from '../buildx/images.js';
import { errorMessage } from '../errors.js';
import { stopLocalRegistry } from '../local-registry/service.js';
import { forgetRun, readLedger, RUN_MARKER, type PostState } from '../state.js';
import { checkLedgerEntry } from './stale-entry.js';

/** Its run directory is gone, or (for runs that mark it) holds no marker: something else made it again. */
export function isStale(entry: PostState): boolean {
  return (
    !existsSync(entry.runDir) || (entry.marked === true && !existsSync(path.join(entry.runDir, RUN_MARKER)))
  );
}

/** The ledger's entries the action wrote; every other one is named in a warning and left alone. */
function checkedEntries(): { state: PostState; foreignImages: string[] }[] {
  return readLedger().flatMap(({ file, entry }) => {
    const checked = checkLedgerEntry(file, entry);
    if (checked.ok) return [checked];
    core.warning(
      `Ignoring crash ledger entry ${file}: ${checked.problem}. The action never writes such an entry, so nothing it names is touched. Remove ${file} if no run of this action left it.`,
    );
    return [];
  });
}

async function cleanStaleRun(entry: PostState, foreignImages: readonly string[]): Promise<void> {
  if (foreignImages.length > 0)
    core.warning(
      `Leaving ${foreignImages.join(', ')} of crashed run ${entry.runId} in the engine: not tags of its local registry, so not removed here. Remove them with 'docker image rm' if they are no longer needed.`,
    );
  if (entry.builder) await removeBuilder(entry.builder);
  if (entry.registry) await stopLocalRegistry(entry.registry);
  if (entry.images.length > 0) await removeImages(entry.images);
  const engine = entry.images.length > 0 ? entry.imagesEngine : undefined;
  if (engine) await removeFromEngine(entry, engine);
  forgetRun(entry.runId);
  core.info(
    `Cleaned up after crashed run ${entry.runId}: registry ${entry.registry?.container ?? `pid ${entry.registry?.pid ?? '-'}`}, builder ${entry.builder ?? '-'}, ${entry.images.length} image(s)${engine ? ` (also on ${engine})` : ''}`,
  );
}

/** The builder's engine may be gone for good (a removed context): a warning, never a ledger entry kept for ever. */
async function removeFromEngine(entry: PostState, engine: string): Promise<void> {
  try {
    await removeImages(entry.images, engine);
  } catch (err) {
    core.warning(
      `Could not remove ${entry.images.length} local build image(s) of crashed run ${entry.runId} from the builder's engine ${engine}: ${errorMessage(err)}. Remove them there with 'docker image rm' if they are still listed.`,
    );
  }
}

export async function cleanStaleRuns(currentRunId: string): Promise<number> {
  let cleaned = 0;
  for (const { state: entry, foreignImages } of checkedEntries()) {
    if (entry.runId === currentRunId || !isStale(entry)) continue;
    try {
      await cleanStaleRun(entry, foreignImages);
      cleaned++;
    } catch (err) {
      core.warning(`Could not clean up after crashed run ${entry.runId}: ${errorMessage(err)}`);
    }
  }
  return cleaned;
}
