// The only module that touches post state: one typed JSON blob, saved again
// each time a resource appears, so post cleans up whatever main got to. The
// same blob goes to a machine-wide ledger, so a later run can recognise what a
// crashed run left behind (see stale.ts). The ledger is only read from a
// directory this user made and alone can write (private-dir.ts): another local
// user must not be able to plant entries that a later run acts on.
import * as core from '@actions/core';
import { readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkPrivateDir, ensurePrivateDir, readPrivateFile, writePrivateFile } from './private-dir.js';

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
  /** The engine (a docker context) of an existing docker-driver builder ('builder'), which keeps them too. */
  imagesEngine?: string;
  /** runDir holds RUN_MARKER, written when it was made (entries of older versions have none). */
  marked?: true;
}

/**
 * A file main writes into runDir as it makes it. A crashed run's registry can
 * outlive RUNNER_TEMP's wipe and write its storage back under runDir (a build
 * left going still pushes to it), so the directory alone does not say the run
 * is alive; the marker is written by nobody else.
 */
export const RUN_MARKER = '.multiarch-run';

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

const refused = new Set<string>();

/** A ledger dir that is not ours is named once per run, and nothing is read from or written to it. */
function refuse(dir: string, problem: string): undefined {
  if (refused.has(dir)) return undefined;
  refused.add(dir);
  core.warning(
    `Not using the crash ledger ${dir}: ${problem}. Nothing recorded there is cleaned up, and this run is not recorded there. Remove ${dir} (another local user may have made it to plant entries) so the action creates its own, or set MULTIARCH_LEDGER_DIR to a directory of this runner's own.`,
  );
  return undefined;
}

/** The ledger dir when it is this user's private directory (made now if `create`), else undefined. */
function trustedLedgerDir(create: boolean): string | undefined {
  const dir = ledgerDir();
  const problem = create ? ensurePrivateDir(dir) : checkPrivateDir(dir);
  return problem ? refuse(dir, problem) : dir;
}

export function saveState(state: PostState): void {
  core.saveState(KEY, JSON.stringify(state));
  // The ledger only helps a later run clean up after a crash: it never fails this one.
  try {
    const dir = trustedLedgerDir(true);
    if (dir) writePrivateFile(path.join(dir, `${state.runId}.json`), JSON.stringify(state));
  } catch (err) {
    core.debug(
      `Could not record run ${state.runId} in ${ledgerDir()}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

export function forgetRun(runId: string): void {
  try {
    const dir = trustedLedgerDir(false);
    if (dir) rmSync(path.join(dir, `${runId}.json`), { force: true });
  } catch {
    // best effort, like the ledger itself
  }
}

/**
 * Every run recorded on this machine, as parsed JSON of unchecked shape: the
 * caller checks each against what the action writes (stale-entry.ts) and
 * decides which are stale. Only from a ledger dir that is ours; symlinks and
 * other users' files in it are skipped.
 */
export function readLedger(): { file: string; entry: unknown }[] {
  let dir: string | undefined;
  let files: string[];
  try {
    dir = trustedLedgerDir(false);
    files = dir ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  } catch {
    return []; // no ledger yet
  }
  return files.flatMap((f) => {
    const file = path.join(dir ?? '', f);
    try {
      const text = readPrivateFile(file);
      return text === undefined ? [] : [{ file, entry: JSON.parse(text) as unknown }];
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
