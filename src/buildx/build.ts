// A build of one platform, or of several at once: pure argv, then a streamed `docker buildx build` that
// pushes into the local registry and writes a metadata file.
import * as core from '@actions/core';
import { readdirSync, readFileSync, renameSync } from 'node:fs';
import * as path from 'node:path';
import { ExecError } from '../errors.js';
import { meaningfulTail } from '../exec-tail.js';
import { run } from '../exec.js';
import { tagRaceIn } from './tag-race.js';

/** What RUN steps get, and the stages built without cache (build-push-action's inputs, as buildx takes them). */
export interface RunStepOptions {
  /** HOST:IP or HOST=IP. */
  addHosts: readonly string[];
  /** '' for the builder's default (64m). */
  shmSize: string;
  /** NAME=SOFT[:HARD]. */
  ulimits: readonly string[];
  cgroupParent: string;
  /** Entitlements: network.host, security.insecure. */
  allow: readonly string[];
  /** default, ID or ID=PATH. */
  ssh: readonly string[];
  noCacheFilters: readonly string[];
}

export interface BuildSpec extends Partial<RunStepOptions> {
  /** One platform, or several comma separated for one multi-platform build. */
  platform: string;
  context: string;
  file: string;
  /** Where the image goes: the local registry. */
  ref: string;
  metadataFile: string;
  network: string;
  buildArgs: readonly string[];
  labels: readonly string[];
  target?: string;
  /** As buildx takes them: id=NAME,src=FILE. */
  secrets?: readonly string[];
  noCache?: boolean;
  pull?: boolean;
  /** Already scoped to this platform. */
  cacheFrom?: readonly string[];
  cacheTo?: readonly string[];
  buildContexts?: readonly string[];
  provenance?: string;
  sbom?: string;
  /** buildx --annotation values (manifest[PLATFORM]:KEY=VALUE). */
  annotations?: readonly string[];
  /** Tee the build's output here instead of streaming it (parallel builds). */
  logFile?: string;
  /** A builder other than the engine's default (driver docker-container, or the 'builder' input). */
  builder?: string;
  /** The docker context of an existing docker-driver builder: `docker --context NAME buildx build`. */
  engineContext?: string;
  /** rawjson: machine-readable progress, split by platform afterwards (multi-platform builds). */
  progress?: 'rawjson';
  /**
   * The docker driver on the containerd store pushes from the engine's image store, so the image lands
   * there too. Kept packed (`unpack=false`), it skips unpacking every layer into snapshots nothing uses:
   * measured here, the export of 4 platforms with 32 MB layers took 3.0-3.2 s instead of 4.7-6.0 s. A
   * smoke test or Hub test that runs the image unpacks it then.
   */
  packed?: boolean;
}

const repeat = (flag: string, values: readonly string[] = []) => values.flatMap((v) => [flag, v]);

export function buildArgs(spec: BuildSpec): string[] {
  const args = [
    ...(spec.engineContext ? ['--context', spec.engineContext] : []),
    'buildx',
    'build',
    '--platform',
    spec.platform,
    // No file with a Git context means the repository's own Dockerfile.
    ...(spec.file ? ['--file', spec.file] : []),
    '--tag',
    spec.ref,
    ...(spec.packed ? ['--output', 'type=image,push=true,unpack=false'] : ['--push']),
  ];
  if (spec.builder) args.push('--builder', spec.builder);
  if (spec.progress) args.push(`--progress=${spec.progress}`);
  args.push('--metadata-file', spec.metadataFile, `--provenance=${spec.provenance || 'false'}`);
  if (spec.sbom && spec.sbom !== 'false') args.push(`--sbom=${spec.sbom}`);
  if (spec.network) args.push('--network', spec.network);
  if (spec.target) args.push('--target', spec.target);
  if (spec.noCache) args.push('--no-cache');
  if (spec.pull) args.push('--pull');
  args.push(...repeat('--build-arg', spec.buildArgs), ...repeat('--label', spec.labels));
  args.push(...repeat('--secret', spec.secrets), ...repeat('--cache-from', spec.cacheFrom));
  args.push(...repeat('--cache-to', spec.cacheTo), ...repeat('--build-context', spec.buildContexts));
  args.push(...repeat('--annotation', spec.annotations), ...runStepArgs(spec), spec.context);
  return args;
}

/** The flags for what RUN steps get; nothing for options left empty. */
export function runStepArgs(spec: Partial<RunStepOptions>): string[] {
  const args = [...repeat('--add-host', spec.addHosts)];
  if (spec.shmSize) args.push('--shm-size', spec.shmSize);
  args.push(...repeat('--ulimit', spec.ulimits));
  if (spec.cgroupParent) args.push('--cgroup-parent', spec.cgroupParent);
  args.push(...repeat('--allow', spec.allow), ...repeat('--ssh', spec.ssh));
  args.push(...repeat('--no-cache-filter', spec.noCacheFilters));
  return args;
}

export interface BuildMetadata {
  digest?: string;
  configDigest?: string;
  /** buildx's "builder/node/ref" (buildx.build.ref): the node that ran the build, and the record for docker buildx history. */
  buildRef?: string;
}

/** Reads what buildx wrote to --metadata-file (pure on the text). */
export function parseMetadata(text: string): BuildMetadata {
  const json = JSON.parse(text) as Record<string, unknown>;
  const str = (k: string) => (typeof json[k] === 'string' ? json[k] : undefined);
  return {
    digest: str('containerimage.digest'),
    configDigest: str('containerimage.config.digest'),
    buildRef: str('buildx.build.ref'),
  };
}

/** The build records' refs of every build of the run (its metadata-*.json files, by name). */
export function readBuildRefs(runDir: string): string[] {
  const files = readdirSync(runDir)
    .filter((f) => /^metadata-.*\.json$/.test(f))
    .sort();
  return files.flatMap((f) => {
    try {
      const { buildRef: ref } = parseMetadata(readFileSync(path.join(runDir, f), 'utf8'));
      return ref ? [ref] : [];
    } catch {
      return []; // a build that failed half-way: no record to point to
    }
  });
}

/** Known failure texts -> what the user can do about them. */
const HINTS: [RegExp, (platform: string) => string][] = [
  [
    /exec format error/i,
    (p) => `The kernel could not run a ${p} binary: QEMU is not registered for it (see 'qemu').`,
  ],
  [/network bridge not found/i, () => `This engine has no bridge network; set 'network: host'.`],
  [
    /frontend\.contexts|unsupported frontend capability/i,
    () => `'build-contexts' needs BuildKit 0.10 or newer (Docker 23+, or 'driver: docker-container').`,
  ],
  [
    /manifests\/[^\s:]+: 500 Internal Server Error/,
    () =>
      `The local registry failed a read while the engine pushed several manifests to one tag at once ` +
      `(a race in the registry's filesystem storage), on every attempt: run the job again.`,
  ],
  [
    /Attestation is not supported/i,
    () => `'provenance' and 'sbom' need 'driver: docker-container' or the containerd image store.`,
  ],
];

export function buildFailureHint(tail: string, platform: string): string {
  const hint = HINTS.find(([re]) => re.test(tail));
  return hint ? hint[1](platform) : `See the build log above.`;
}

/** How many times a build (or push) runs when each attempt loses the tag race (see tag-race.ts). */
export const BUILD_ATTEMPTS = 3;

/**
 * Runs a docker command that pushes `ref` into the local registry (an ExecError when it fails), again when
 * it failed only because the registry lost the tag race (see tag-race.ts): a build runs from the cache, a
 * push finds its blobs there. A failed attempt's log is kept beside the log file, which holds the last.
 */
export async function runPushingToLocal(
  args: string[],
  ref: string,
  what: string,
  logFile: string | undefined,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const result = await run('docker', args, { silent: Boolean(logFile), logFile, allowFailure: true });
    if (result.exitCode === 0) return;
    const race = tagRaceIn(`${result.stdout}\n${result.stderr}`, ref);
    if (!race || attempt === BUILD_ATTEMPTS) {
      throw new ExecError('docker', args, result.exitCode, meaningfulTail(result.stderr || result.stdout));
    }
    if (logFile) renameSync(logFile, `${logFile}.attempt${attempt}`);
    core.warning(
      `${what}: the local registry answered "${race}" while the engine pushed the platforms' manifests ` +
        `to one tag side by side (a race in the registry's storage, not a fault of the build). ` +
        `${what.startsWith('Building') ? 'Building again from the cache' : 'Pushing again'} ` +
        `(attempt ${attempt + 1} of ${BUILD_ATTEMPTS}).`,
    );
  }
}

/** Runs the build (an ExecError when it fails) and answers what buildx wrote to --metadata-file. */
export async function runBuild(spec: BuildSpec): Promise<BuildMetadata> {
  await runPushingToLocal(buildArgs(spec), spec.ref, `Building ${spec.platform}`, spec.logFile);
  return parseMetadata(readFileSync(spec.metadataFile, 'utf8'));
}
