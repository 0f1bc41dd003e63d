// The only module that touches post state: one typed JSON blob, saved again
// each time a resource appears, so post cleans up whatever main got to.
import * as core from '@actions/core';

export interface RegistryState {
  address: string;
  /** The run's registry dir (config, log, storage for a binary); post removes it. */
  dir: string;
  /** A registry binary: its detached process. */
  pid?: number;
  /** A registry container: its run-unique name. */
  container?: string;
}

export interface PostState {
  runId: string;
  /** Everything the run writes lives here; post removes it. */
  runDir: string;
  registry?: RegistryState;
  /** The action's own docker config dir (downloaded buildx, builders); inside runDir. */
  dockerConfig?: string;
  /** A docker-container builder, recorded before it is created. */
  builder?: string;
  /** Images the docker driver left in the engine's store (local registry tags). */
  images: string[];
}

const KEY = 'multiarch-state';

export function isPost(): boolean {
  return core.getState('isPost') === 'true';
}

export function markMainStarted(): void {
  core.saveState('isPost', 'true');
}

export function saveState(state: PostState): void {
  core.saveState(KEY, JSON.stringify(state));
}

export function readState(): PostState | undefined {
  const raw = core.getState(KEY);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as PostState;
  } catch {
    core.warning(`Post state '${KEY}' is not valid JSON; nothing to clean up.`);
    return undefined;
  }
}
