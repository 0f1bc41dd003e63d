// What a crash-ledger entry may name, checked before a later run acts on it:
// exactly the shapes the action writes (run id, run and registry dirs under
// the run's own directory, container, builder and image names derived from
// the run id and its local registry, the engine of an existing docker-driver
// builder as buildx names it). Anything else is never acted on.
import * as path from 'node:path';
import { builderName } from '../buildx/builder.js';
import { registryContainerName } from '../local-registry/container.js';
import type { PostState, RegistryState } from '../state.js';
import { LOCAL_REPOSITORY } from './platforms.js';

/** `${GITHUB_RUN_ID ?? 'local'}-<8 hex>`, as runMain makes it. */
const RUN_ID = /^(?:\d+|local)-[0-9a-f]{8}$/;
const ADDRESS = /^127\.0\.0\.1:\d{1,5}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** A docker context's name (docker's own rule) or an engine's address, as buildx reports a docker node's endpoint. */
const ENGINE = /^(?:[a-zA-Z0-9][a-zA-Z0-9_.+-]{0,127}|(?:unix|tcp|ssh|npipe):\/\/[^\s]{1,1000})$/;

export type CheckedEntry =
  { ok: true; state: PostState; foreignImages: string[] } | { ok: false; problem: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The run's directory: absolute, normal, named multiarch-<runId> (runDirFor in action.ts). */
function runDirProblem(runDir: unknown, runId: string): string | undefined {
  if (typeof runDir !== 'string' || !path.isAbsolute(runDir) || path.normalize(runDir) !== runDir)
    return `runDir ${JSON.stringify(runDir)} is not a normal absolute path`;
  if (path.basename(runDir) !== `multiarch-${runId}`)
    return `runDir ${runDir} is not named multiarch-${runId}`;
  return undefined;
}

/** The registry as startLocalRegistry records it: <runDir>/registry, its container named for the run. */
function checkRegistry(r: unknown, runId: string, runDir: string): RegistryState | string {
  if (!isObject(r)) return 'registry is not an object';
  const dir = path.join(runDir, 'registry');
  if (r.dir !== dir) return `registry dir ${JSON.stringify(r.dir)} is not ${dir}`;
  if (typeof r.address !== 'string' || !ADDRESS.test(r.address))
    return `registry address ${JSON.stringify(r.address)} is not 127.0.0.1:<port>`;
  const container = registryContainerName(runId);
  if (r.container !== undefined && r.container !== container)
    return `registry container ${JSON.stringify(r.container)} is not ${container}`;
  if (r.pid !== undefined && !(Number.isSafeInteger(r.pid) && (r.pid as number) > 1))
    return `registry pid ${JSON.stringify(r.pid)} is not a process id`;
  const storage = path.join(dir, 'data');
  if (r.storage !== undefined && r.storage !== storage)
    return `registry storage ${JSON.stringify(r.storage)} is not ${storage}`;
  return {
    address: r.address,
    dir,
    ...(r.pid !== undefined && { pid: r.pid as number }),
    ...(r.container !== undefined && { container }),
    ...(r.storage !== undefined && { storage }),
  };
}

/** Why the entry's builder, docker config, images engine or marker is not what the action writes, if it is not. */
function scalarProblem(e: Record<string, unknown>, runId: string, runDir: string): string | undefined {
  const builder = builderName(runId);
  if (e.builder !== undefined && e.builder !== builder)
    return `builder ${JSON.stringify(e.builder)} is not ${builder}`;
  const dockerConfig = path.join(runDir, 'docker-config');
  if (e.dockerConfig !== undefined && e.dockerConfig !== dockerConfig)
    return `dockerConfig ${JSON.stringify(e.dockerConfig)} is not ${dockerConfig}`;
  const engine = e.imagesEngine;
  if (engine !== undefined && (typeof engine !== 'string' || !ENGINE.test(engine)))
    return `imagesEngine ${JSON.stringify(engine)} is not a docker context name or engine address`;
  if (e.marked !== undefined && e.marked !== true) return `marked ${JSON.stringify(e.marked)} is not true`;
  return undefined;
}

/** The entry's run, as the action wrote it, or why it is not one (pure). `file` is the entry's own file name. */
export function checkLedgerEntry(file: string, e: unknown): CheckedEntry {
  const fail = (problem: string): CheckedEntry => ({ ok: false, problem });
  if (!isObject(e)) return fail('it is not a JSON object');
  const { runId } = e;
  if (typeof runId !== 'string' || !RUN_ID.test(runId))
    return fail(`runId ${JSON.stringify(runId)} is not <run id>-<8 hex>`);
  if (path.basename(file) !== `${runId}.json`) return fail(`its file is not named ${runId}.json`);
  const runDirProblemText = runDirProblem(e.runDir, runId);
  if (runDirProblemText) return fail(runDirProblemText);
  const runDir = e.runDir as string;
  const problem = scalarProblem(e, runId, runDir);
  if (problem) return fail(problem);
  const registry = e.registry === undefined ? undefined : checkRegistry(e.registry, runId, runDir);
  if (typeof registry === 'string') return fail(registry);
  const engine = e.imagesEngine as string | undefined;
  const builder = builderName(runId);
  const dockerConfig = path.join(runDir, 'docker-config');
  if (!Array.isArray(e.images) || !e.images.every((i) => typeof i === 'string'))
    return fail('images is not a list of names');
  // Only the run's own local-registry tags; a push hook's tag (a user's name) stays in the engine.
  const own = (i: string) =>
    registry !== undefined &&
    i.startsWith(`${registry.address}/${LOCAL_REPOSITORY}:`) &&
    TAG.test(i.slice(`${registry.address}/${LOCAL_REPOSITORY}:`.length));
  const images = e.images;
  const state: PostState = {
    runId,
    runDir,
    images: images.filter(own),
    ...(registry && { registry }),
    ...(e.dockerConfig !== undefined && { dockerConfig }),
    ...(e.builder !== undefined && { builder }),
    ...(engine !== undefined && { imagesEngine: engine }),
    ...(e.marked === true && { marked: true as const }),
  };
  return { ok: true, state, foreignImages: images.filter((i) => !own(i)) };
}
