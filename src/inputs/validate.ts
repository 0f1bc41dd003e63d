// Turns the raw strings into typed inputs (pure), or one ActionError listing
// every problem. The mode is decided here, once.
import * as path from 'node:path';
import type { BuildModeOptions } from '../build-mode/options.js';
import { ActionError } from '../errors.js';
import type { MergeOptions } from '../merge-mode/merge-only.js';
import { ATTESTATION_MODES } from '../oci/attestations.js';
import { INDEX_FORMATS } from '../oci/index.js';
import { KNOWN_PLATFORMS, formatPlatform, parsePlatform, type Platform } from '../platform.js';
import type { PublishOptions } from '../publish/options.js';
import { QEMU_MODES } from '../qemu/decide.js';
import { parseReference, ReferenceSyntaxError, type Reference } from '../registry/reference.js';
import { annotationsAt } from '../oci/annotation-levels.js';
import { parseAnnotations } from './annotations.js';
import { parseBuildInputs } from './build.js';
import { parseSignInputs } from './sign.js';
import { isGitContext, isOtherUrl } from './git-context.js';
import {
  checkImage,
  checkStage,
  parseBoolean,
  parseChoice,
  parseHosts,
  parseKeyValues,
  parseSources,
  splitList,
} from './parsers.js';
import type { RawInputs } from './read.js';
import { parseToolInputs } from './tools.js';

const NETWORKS = ['default', 'host', 'none'];

/** Build mode builds the platforms; merge-only mode merges 'sources' / 'sources-from'. */
export type Mode = 'build' | 'merge';

export interface Inputs extends BuildModeOptions, MergeOptions {
  mode: Mode;
  username: string;
  password: string;
  insecureRegistries: string[];
  caFile: string;
}

export interface Validated {
  inputs: Inputs;
  /** Conflicts resolved by choosing something: said as warnings. */
  warnings: string[];
}

interface Found {
  problems: string[];
  warnings: string[];
}

const absolute = (cwd: string, value: string) => (value.trim() ? path.resolve(cwd, value.trim()) : '');

function parsePlatforms(value: string, { problems, warnings }: Found): Platform[] {
  const seen = new Map<string, Platform>();
  const written = new Map<string, string>();
  for (const raw of splitList(value, true)) {
    const p = parsePlatform(raw);
    if (!p) {
      problems.push(
        `Input 'platforms' has unknown platform '${raw}'; valid platforms are ${KNOWN_PLATFORMS.join(', ')}.`,
      );
      continue;
    }
    const key = formatPlatform(p);
    const first = written.get(key);
    if (first !== undefined)
      warnings.push(
        `Platform ${key} is listed twice in 'platforms' ('${first}' and '${raw}'); building it once.`,
      );
    else written.set(key, raw);
    seen.set(key, p);
  }
  if (seen.size === 0 && problems.length === 0)
    problems.push(`Input 'platforms' is empty; list at least one platform such as linux/amd64.`);
  return [...seen.values()];
}

function parseTags(value: string, problems: string[]): Reference[] {
  const tags: Reference[] = [];
  for (const raw of splitList(value, true)) {
    try {
      const ref = parseReference(raw);
      if (ref.digest) {
        problems.push(
          `Input 'tags' has '${raw}', which pins a digest; tags must be name:tag references such as ghcr.io/acme/app:1.0.`,
        );
        continue;
      }
      tags.push({ ...ref, tag: ref.tag ?? 'latest' });
    } catch (err) {
      if (!(err instanceof ReferenceSyntaxError)) throw err;
      problems.push(`Input 'tags' has invalid reference '${raw}': ${err.message}.`);
    }
  }
  return tags;
}

/** What the tags are for: a push, a push by digest, or a merge each need at least one. */
function checkTagsNeeded(
  raw: RawInputs,
  publish: PublishOptions,
  mode: Mode,
  { problems, warnings }: Found,
): void {
  const { tags, push, pushByDigest } = publish;
  if (pushByDigest && tags.length === 0) {
    problems.push(
      `Input 'push-by-digest' is true but 'tags' is empty; give the repository to push to, e.g. ghcr.io/acme/app.`,
    );
  }
  if (pushByDigest && push)
    warnings.push(`'push-by-digest' is true: pushing by digest only; no tag in 'tags' is moved.`);
  if (raw['digest-file'].trim() && !pushByDigest)
    warnings.push(`'digest-file' is set but 'push-by-digest' is false; no digest file is written.`);
  const tagProblem = problems.some((p) => p.includes("'tags'"));
  if (push && tags.length === 0 && !tagProblem) {
    problems.push(
      `Input 'push' is true but 'tags' is empty; give at least one reference such as ghcr.io/acme/app:1.0.`,
    );
  } else if (mode === 'merge' && tags.length === 0 && !tagProblem) {
    problems.push(
      `Input 'sources' is set but 'tags' is empty; give the reference(s) to merge into, such as ghcr.io/acme/app:1.0.`,
    );
  }
}

function parsePublish(raw: RawInputs, cwd: string, { problems, warnings }: Found): PublishOptions {
  const pushByDigest = parseBoolean('push-by-digest', raw['push-by-digest'], problems);
  const push = parseBoolean('push', raw.push, problems);
  return {
    tags: parseTags(raw.tags, problems),
    pushByDigest,
    push,
    digestFile: absolute(cwd, raw['digest-file']),
    ociArchive: absolute(cwd, raw['oci-archive']),
    indexFormat: parseChoice('index-format', raw['index-format'], INDEX_FORMATS, problems),
    attestations: parseChoice('attestations', raw.attestations, ATTESTATION_MODES, problems),
    ...annotationsOf(raw.annotations, problems),
    referrers: parseBoolean('referrers', raw.referrers, problems),
    sign: parseSignInputs(raw, { push, pushByDigest }, problems, warnings),
  };
}

function annotationsOf(value: string, problems: string[]) {
  const leveledAnnotations = parseAnnotations(value, problems);
  return { annotations: annotationsAt(leveledAnnotations, 'index'), leveledAnnotations };
}

function parseNetwork(value: string, problems: string[]): string {
  const network = value.trim();
  if (network !== '' && !NETWORKS.includes(network))
    problems.push(`Input 'network' is '${network}'; valid values are ${NETWORKS.join(', ')}.`);
  return network;
}

function parseEmulation(
  raw: RawInputs,
  problems: string[],
): Pick<Inputs, 'qemu' | 'qemuImage' | 'qemuFallbackImage'> {
  const qemu = parseChoice('qemu', raw.qemu, QEMU_MODES, problems);
  const qemuImage = raw['qemu-image'].trim();
  if (qemu === 'image' && qemuImage === '')
    problems.push(
      `Input 'qemu' is image but 'qemu-image' is empty; give an image such as tonistiigi/binfmt:qemu-v8.1.5.`,
    );
  for (const name of ['qemu-image', 'qemu-fallback-image', 'buildkit-image', 'registry-image'] as const)
    checkImage(name, raw[name], problems);
  return { qemu, qemuImage, qemuFallbackImage: raw['qemu-fallback-image'].trim() };
}

/**
 * With a Git context nothing of it is on this runner: per-platform Dockerfiles and
 * Docker Hub hooks, which are read from the checkout, cannot apply; hooks are off.
 */
function refuseLocalOnly(raw: RawInputs, build: BuildModeOptions['build'], problems: string[]): void {
  if (raw['platform-files'].trim())
    problems.push(
      `Input 'platform-files' cannot be used with a Git 'context' ('${raw.context.trim()}'): its Dockerfiles are read from the workspace. Check the repository out (actions/checkout) and give 'context' as a directory.`,
    );
  if (build.hooks === 'check')
    problems.push(
      `Input 'hooks' is check, but 'context' is a Git URL: Docker Hub hooks are read from the workspace. Check the repository out and give 'context' as a directory.`,
    );
  build.hooks = 'false';
}

/** The context and Dockerfile: a directory of the workspace, or a Git URL with its Dockerfile inside the repository. */
function parseSource(raw: RawInputs, cwd: string, problems: string[]): { context: string; file: string } {
  const given = raw.context.trim();
  if (isOtherUrl(given))
    problems.push(
      `Input 'context' is '${given}', a URL that is not a Git repository; give a directory of the workspace or a Git URL (https://host/owner/repo.git#ref, git://host/repo.git#ref, git@host:owner/repo.git).`,
    );
  if (isGitContext(given)) return { context: given, file: raw.file.trim() }; // '' is the repository's Dockerfile
  const context = path.resolve(cwd, given || '.');
  return { context, file: absolute(cwd, raw.file) || path.join(context, 'Dockerfile') };
}

function parseBuildMode(raw: RawInputs, cwd: string, cores: number, platforms: Platform[], found: Found) {
  const { problems, warnings } = found;
  checkStage(raw.target, problems);
  const build = parseBuildInputs(raw, cwd, platforms, cores, problems);
  const source = parseSource(raw, cwd, problems);
  if (isGitContext(source.context)) refuseLocalOnly(raw, build, problems);
  return {
    platforms,
    ...source,
    network: parseNetwork(raw.network, problems),
    buildArgs: parseKeyValues('build-args', raw['build-args'], problems),
    labels: parseKeyValues('labels', raw.labels, problems),
    ...parseEmulation(raw, problems),
    ...splitLoad(build),
    ...parseToolInputs(raw, cwd, problems, warnings),
  };
}

function splitLoad({ load, ...build }: ReturnType<typeof parseBuildInputs>) {
  return { build, load };
}

function parseLogin(raw: RawInputs, problems: string[]): Pick<Inputs, 'username' | 'password'> {
  if (Boolean(raw.username) !== Boolean(raw.password)) {
    problems.push(
      `Inputs 'username' and 'password' go together; only '${raw.username ? 'username' : 'password'}' is set.`,
    );
  }
  return { username: raw.username, password: raw.password };
}

/** Pure: turns raw strings into typed inputs, with every problem found (none when valid). */
export function parseInputs(raw: RawInputs, cwd: string, cores = 1): Validated & { problems: string[] } {
  const found: Found = { problems: [], warnings: [] };
  const { problems } = found;
  const mode: Mode = raw.sources.trim() || raw['sources-from'].trim() ? 'merge' : 'build';
  const platforms = parsePlatforms(raw.platforms, found);
  const publish = parsePublish(raw, cwd, found);
  checkTagsNeeded(raw, publish, mode, found);
  const build = parseBuildMode(raw, cwd, cores, platforms, found);
  const inputs: Inputs = {
    mode,
    ...build,
    ...publish,
    ...parseLogin(raw, problems),
    sources: parseSources(raw.sources, cwd, problems),
    sourcesFrom: absolute(cwd, raw['sources-from']),
    insecureRegistries: parseHosts(raw['insecure-registries'], problems),
    caFile: absolute(cwd, raw['ca-file']),
  };
  if (mode === 'merge') problems.push(...mergeModeProblems(inputs));
  else if (inputs.load && inputs.tags.length === 0 && !problems.some((p) => p.includes("'tags'")))
    problems.push(
      `Input 'load' is true but 'tags' is empty; give the name(s) to load the images as, such as ghcr.io/acme/app:1.0.`,
    );
  if (!inputs.ociArchive && inputs.leveledAnnotations.some((a) => a.level === 'index-descriptor'))
    found.warnings.push(
      `'annotations' has index-descriptor: entries, which only an OCI layout's index.json holds, and 'oci-archive' is not set: they are not written anywhere (a registry keeps no descriptor of a pushed index).`,
    );
  return { inputs, warnings: found.warnings, problems };
}

/** build-push-action's inputs that act on a build, given in merge-only mode (which builds nothing). */
function mergeModeProblems(inputs: Inputs): string[] {
  const out: string[] = [];
  if (inputs.build.manifestAnnotations.length > 0)
    out.push(
      `Input 'annotations' has manifest-level entries (${inputs.build.manifestAnnotations[0]}), but merge-only mode copies each image manifest by digest and cannot change it; use index: or manifest-descriptor: (the image's entry in the index).`,
    );
  if (inputs.load)
    out.push(
      `Input 'load' is true, but merge-only mode builds nothing to load; pull the merged index with docker pull after the step.`,
    );
  if (inputs.build.call !== 'build')
    out.push(`Input 'call' is '${inputs.build.call}', but merge-only mode builds nothing to evaluate.`);
  return out;
}

/** Pure: turns raw strings into typed inputs, or throws one ActionError listing every problem. */
export function validateInputs(raw: RawInputs, cwd: string, cores = 1): Validated {
  const { inputs, warnings, problems } = parseInputs(raw, cwd, cores);
  if (problems.length > 0) throw new ActionError(problems.join('\n'));
  return { inputs, warnings };
}
