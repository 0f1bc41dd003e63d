// What every build of the builds phase is given (the run's context) and
// answers per platform, and the buildx spec a build is run with.
import type { RegistryClient } from '../registry/client.js';
import type { Repo } from '../oci/image-source.js';
import * as path from 'node:path';
import type { BuildSpec, RunStepOptions } from '../buildx/build.js';
import { scopeCacheEntry } from '../buildx/cache.js';
import type { EmulationReport } from '../qemu/setup.js';
import type { PostState } from '../state.js';
import type { BuiltImage } from './built-image.js';
import type { PlatformHub } from './hub/plan.js';
import type { BuildModeOptions } from './options.js';
import type { BuildWay } from './plan.js';

export interface PlatformResult {
  platform: string;
  image: BuiltImage;
  /** Its tag in the local registry (and the engine), for the smoke test. */
  ref: string;
  seconds: number;
  /** In one build with other platforms, or in one of its own. */
  build: BuildWay;
  /** When its build ran, in ms since the epoch (its steps' span in a shared build). */
  start: number;
  end: number;
  /** One build: its export and push into the local registry, after every platform's steps (ms). */
  exported?: { start: number; end: number };
  test?: 'passed';
}

export interface BuildsContext {
  options: BuildModeOptions;
  state: PostState;
  local: Repo<RegistryClient>;
  /** Each platform's Dockerfile, context and Docker Hub hooks. */
  hub: PlatformHub[];
  emulation: EmulationReport;
  /** The builder can build several platforms in one build (not the classic store's docker driver). */
  multiPlatform: boolean;
  /** The docker driver on the containerd store: the engine keeps each build packed (see BuildSpec). */
  packed: boolean;
  /** 'builder' of the docker driver: buildx takes another engine's builder only through `docker --context`. */
  engineContext?: string;
  /** Called as each build ends (while others may still build): its platforms' results. */
  onBuilt?: (results: readonly PlatformResult[]) => void;
}

/** What one build builds: one platform or several (comma separated), its cache slug, Dockerfile and context. */
export interface BuildTarget {
  platform: string;
  slug: string;
  file: string;
  context: string;
}

/** build-push-action's RUN-step inputs, as the build takes them. */
function runStepsOf(b: RunStepOptions): RunStepOptions {
  const { addHosts, shmSize, ulimits, cgroupParent, allow, ssh, noCacheFilters } = b;
  return { addHosts, shmSize, ulimits, cgroupParent, allow, ssh, noCacheFilters };
}

export function specFor(
  ctx: BuildsContext,
  { platform, slug, file, context }: BuildTarget,
  ref: string,
  secrets: string[],
  logFile?: string,
): BuildSpec {
  const { options, state } = ctx;
  // The multi-arch template's hooks/build passed these to this platform's Dockerfile (hub/template.ts).
  const hook = ctx.hub.find((h) => h.platform === platform)?.hookBuild;
  return {
    platform,
    context,
    file,
    ref,
    metadataFile: path.join(state.runDir, `metadata-${slug}.json`),
    network: options.network,
    buildArgs: [...options.buildArgs, ...(hook?.buildArgs ?? [])],
    labels: [...options.labels, ...(hook?.labels ?? [])],
    target: options.build.target,
    secrets,
    noCache: options.build.noCache,
    pull: options.build.pull,
    cacheFrom: options.build.cacheFrom.map((e) => scopeCacheEntry(e, slug)),
    cacheTo: options.build.cacheTo.map((e) => scopeCacheEntry(e, slug)),
    buildContexts: options.build.buildContexts,
    provenance: options.build.provenance,
    sbom: options.build.sbom,
    annotations: options.build.manifestAnnotations,
    ...runStepsOf(options.build),
    logFile,
    // buildx takes the docker driver of a context only when it is the current one (`--context` makes it so).
    builder: state.builder ?? (options.builder || undefined),
    engineContext: ctx.engineContext,
    packed: ctx.packed,
  };
}
