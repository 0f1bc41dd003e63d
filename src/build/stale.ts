// What crashed runs left behind. A ledger entry whose run directory is gone
// (the runner wiped RUNNER_TEMP, or the run ended without post) is stale: its
// registry is stopped, if its process still names that directory, and its
// images are removed. Entries of runs still going are never touched.
import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import { removeBuilder } from '../buildx/builder.js';
import { removeImages } from '../buildx/images.js';
import { errorMessage } from '../errors.js';
import { stopLocalRegistry } from '../local-registry/service.js';
import { forgetRun, readLedger, type PostState } from '../state.js';

export function isStale(entry: PostState): boolean {
  return !existsSync(entry.runDir);
}

export async function cleanStaleRuns(currentRunId: string): Promise<number> {
  let cleaned = 0;
  for (const entry of readLedger().filter((e) => e.runId !== currentRunId && isStale(e))) {
    try {
      if (entry.builder) await removeBuilder(entry.builder);
      if (entry.registry) await stopLocalRegistry(entry.registry);
      if (entry.images.length > 0) await removeImages(entry.images);
      forgetRun(entry.runId);
      core.info(
        `Cleaned up after crashed run ${entry.runId}: registry ${entry.registry?.container ?? `pid ${entry.registry?.pid ?? '-'}`}, builder ${entry.builder ?? '-'}, ${entry.images.length} image(s)`,
      );
      cleaned++;
    } catch (err) {
      core.warning(`Could not clean up after crashed run ${entry.runId}: ${errorMessage(err)}`);
    }
  }
  return cleaned;
}
