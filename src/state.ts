// The only module that touches post state: one typed JSON blob, saved again
// each time a resource appears, so post cleans up whatever main got to. The
// same blob goes to a machine-wide ledger, so a later run can recognise what a
// crashed run left behind (see stale.ts).
import * as core from '@actions/core';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RegistryState {
  address: string;
  /** The run's registry dir (config, log, storage for a binary); post removes it. */
  dir: string;
  /** A registry binary: its detached process. */
  pid?: number;
  /** A registry container: its run-unique name. */
  container?: string;
  /** The registry's storage root on this machine, where build mode reads blob files. */
  storage?: string;
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

/** Outside RUNNER_TEMP, which self-hosted runners wipe between jobs. */
/** One per user: runners of different users never share (or block) each other's ledger. */
export function ledgerDir(): string {
  return (
    process.env.MULTIARCH_LEDGER_DIR ??
    path.join(os.tmpdir(), `multiarch-action-runs-${process.getuid?.() ?? 'user'}`)
  );
}

export function saveState(state: PostState): void {
  core.saveState(KEY, JSON.stringify(state));
  // The ledger only helps a later run clean up after a crash: it never fails this one.
  try {
    mkdirSync(ledgerDir(), { recursive: true, mode: 0o700 });
    writeFileSync(path.join(ledgerDir(), `${state.runId}.json`), JSON.stringify(state));
  } catch (err) {
    core.debug(
      `Could not record run ${state.runId} in ${ledgerDir()}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

export function forgetRun(runId: string): void {
  try {
    rmSync(path.join(ledgerDir(), `${runId}.json`), { force: true });
  } catch {
    // best effort, like the ledger itself
  }
}

/** Every run recorded on this machine (the caller decides which are stale). */
export function readLedger(): PostState[] {
  let files: string[];
  try {
    files = readdirSync(ledgerDir()).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.flatMap((f) => {
    try {
      return [JSON.parse(readFileSync(path.join(ledgerDir(), f), 'utf8')) as PostState];
    } catch {
      return [];
    }
  });
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
