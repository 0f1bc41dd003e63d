// The only module that reads inputs. Names are action.yml's; defaults live
// only in action.yml. Secrets are masked the moment they are read.
import * as core from '@actions/core';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { BUILD_INPUT_NAMES, parseBuildInputs, secretValues, type BuildOptions } from './build.js';
import { ActionError } from '../errors.js';
import {
  checkImage,
  checkStage,
  parseBoolean,
  parseChoice,
  parseHosts,
  parseKeyValues,
  parseSources,
  splitList,
  toRecord,
} from './parsers.js';
export { splitList } from './parsers.js';
import { parseToolInputs, TOOL_INPUT_NAMES, type ToolInputs } from './tools.js';
import type { IndexFormat } from '../oci/index-merge.js';
import { KNOWN_PLATFORMS, formatPlatform, parsePlatform, type Platform } from '../platform.js';
import {
  parseReference,
  formatReference,
  ReferenceSyntaxError,
  type Reference,
} from '../registry/reference.js';
import { LayoutSource } from '../oci/layout-source.js';
import type { SourceReference } from '../merge/sources.js';
import { isLayoutReference } from '../oci/layout.js';

export const INPUT_NAMES = [
  'platforms',
  'context',
  'file',
  'tags',
  'push',
  'username',
  'password',
  'network',
  'build-args',
  'labels',
  'qemu',
  'oci-archive',
  'push-by-digest',
  'digest-file',
  ...BUILD_INPUT_NAMES,
  ...TOOL_INPUT_NAMES,
  'qemu-image',
  'qemu-fallback-image',
  'sources',
  'insecure-registries',
  'ca-file',
  'index-format',
  'attestations',
  'annotations',
  'sources-from',
] as const;
export type InputName = (typeof INPUT_NAMES)[number];
export type RawInputs = Record<InputName, string>;

export const QEMU_MODES = ['auto', 'image', 'host', 'false'] as const;
export type QemuMode = (typeof QEMU_MODES)[number];
const NETWORKS = ['default', 'host', 'none'];
export const INDEX_FORMATS = ['auto', 'oci', 'docker'] as const;
export const ATTESTATION_MODES = ['keep', 'strip'] as const;

/** Tool inputs (buildx, builder, local registry) are parsed in tool-inputs.ts. */
export interface Inputs extends ToolInputs {
  platforms: Platform[];
  context: string;
  file: string;
  tags: Reference[];
  push: boolean;
  username: string;
  password: string;
  network: string;
  buildArgs: string[];
  labels: string[];
  qemu: QemuMode;
  build: BuildOptions;
  /** Absolute path of the OCI layout tarball to write, or ''. */
  ociArchive: string;
  pushByDigest: boolean;
  /** Absolute path for push-by-digest's JSON, or ''. */
  digestFile: string;
  qemuImage: string;
  qemuFallbackImage: string;
  /** Merge-only mode when non-empty: these images (registry references or OCI layouts) are merged, nothing is built. */
  sources: SourceReference[];
  insecureRegistries: string[];
  caFile: string;
  indexFormat: IndexFormat;
  attestations: (typeof ATTESTATION_MODES)[number];
  annotations: Record<string, string>;
  /** A directory of push-by-digest digest files to merge (merge-only mode), or ''. */
  sourcesFrom: string;
}

export interface Validated {
  inputs: Inputs;
  /** Conflicts resolved by choosing something: said as warnings. */
  warnings: string[];
}

export function getInputs(): RawInputs {
  const raw = {} as RawInputs;
  for (const name of INPUT_NAMES) raw[name] = core.getInput(name);
  if (raw.password) core.setSecret(raw.password);
  secretValues(raw.secrets).forEach((v) => core.setSecret(v));
  return raw;
}

function parsePlatforms(value: string, problems: string[], warnings: string[]): Platform[] {
  const seen = new Map<string, Platform>();
  for (const raw of splitList(value, true)) {
    const p = parsePlatform(raw);
    if (!p) {
      problems.push(
        `Input 'platforms' has unknown platform '${raw}'; valid platforms are ${KNOWN_PLATFORMS.join(', ')}.`,
      );
      continue;
    }
    const key = formatPlatform(p);
    if (seen.has(key))
      warnings.push(`Platform '${raw}' is listed twice in 'platforms' (as ${key}); building it once.`);
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

/** Pure: turns raw strings into typed inputs, or throws one ActionError listing every problem. */
export function validateInputs(raw: RawInputs, cwd: string, cores = 1): Validated {
  const problems: string[] = [];
  const warnings: string[] = [];
  const platforms = parsePlatforms(raw.platforms, problems, warnings);
  const tags = parseTags(raw.tags, problems);
  const pushByDigest = parseBoolean('push-by-digest', raw['push-by-digest'], problems);
  const push = parseBoolean('push', raw.push, problems);
  if (pushByDigest && tags.length === 0) {
    problems.push(
      `Input 'push-by-digest' is true but 'tags' is empty; give the repository to push to, e.g. ghcr.io/acme/app.`,
    );
  }
  if (pushByDigest && push)
    warnings.push(`'push-by-digest' is true: pushing by digest only; no tag in 'tags' is moved.`);
  if (raw['digest-file'].trim() && !pushByDigest)
    warnings.push(`'digest-file' is set but 'push-by-digest' is false; no digest file is written.`);
  if (push && tags.length === 0 && !problems.some((p) => p.includes("'tags'"))) {
    problems.push(
      `Input 'push' is true but 'tags' is empty; give at least one reference such as ghcr.io/acme/app:1.0.`,
    );
  }
  if (
    (raw.sources.trim() || raw['sources-from'].trim()) &&
    tags.length === 0 &&
    !problems.some((p) => p.includes("'tags'"))
  ) {
    problems.push(
      `Input 'sources' is set but 'tags' is empty; give the reference(s) to merge into, such as ghcr.io/acme/app:1.0.`,
    );
  }
  if (Boolean(raw.username) !== Boolean(raw.password)) {
    problems.push(
      `Inputs 'username' and 'password' go together; only '${raw.username ? 'username' : 'password'}' is set.`,
    );
  }
  const network = raw.network.trim();
  if (network !== '' && !NETWORKS.includes(network)) {
    problems.push(`Input 'network' is '${network}'; valid values are ${NETWORKS.join(', ')}.`);
  }
  const qemu = parseChoice('qemu', raw.qemu, QEMU_MODES, problems);
  const sources = parseSources(raw.sources, cwd, problems);
  const indexFormat = parseChoice('index-format', raw['index-format'], INDEX_FORMATS, problems);
  const attestations = parseChoice('attestations', raw.attestations, ATTESTATION_MODES, problems);
  const annotations = toRecord(parseKeyValues('annotations', raw.annotations, problems));
  const insecureRegistries = parseHosts(raw['insecure-registries'], problems);
  const caFile = raw['ca-file'].trim() ? path.resolve(cwd, raw['ca-file'].trim()) : '';
  const qemuImage = raw['qemu-image'].trim();
  const qemuFallbackImage = raw['qemu-fallback-image'].trim();
  if (qemu === 'image' && qemuImage === '')
    problems.push(
      `Input 'qemu' is image but 'qemu-image' is empty; give an image such as tonistiigi/binfmt:qemu-v8.1.5.`,
    );
  const sourcesFrom = raw['sources-from'].trim() ? path.resolve(cwd, raw['sources-from'].trim()) : '';
  const buildArgs = parseKeyValues('build-args', raw['build-args'], problems);
  const labels = parseKeyValues('labels', raw.labels, problems);
  const context = path.resolve(cwd, raw.context.trim() || '.');
  const file = raw.file.trim() ? path.resolve(cwd, raw.file.trim()) : path.join(context, 'Dockerfile');
  const build = parseBuildInputs(raw, cwd, platforms, cores, problems);
  for (const name of ['qemu-image', 'qemu-fallback-image', 'buildkit-image', 'registry-image'] as const) {
    checkImage(name, raw[name], problems);
  }
  checkStage(raw.target, problems);
  const tools = parseToolInputs(raw, cwd, problems, warnings);
  if (problems.length > 0) throw new ActionError(problems.join('\n'));
  const inputs: Inputs = {
    platforms,
    context,
    file,
    tags,
    push,
    username: raw.username,
    password: raw.password,
    network,
    buildArgs,
    labels,
    qemu,
    build,
    ociArchive: raw['oci-archive'].trim() ? path.resolve(cwd, raw['oci-archive'].trim()) : '',
    ...tools,
    pushByDigest,
    digestFile: raw['digest-file'].trim() ? path.resolve(cwd, raw['digest-file'].trim()) : '',
    qemuImage,
    qemuFallbackImage,
    sources,
    insecureRegistries,
    caFile,
    indexFormat,
    attestations,
    annotations,
    sourcesFrom,
  };
  return { inputs, warnings };
}

function kind(p: string): 'dir' | 'file' | 'missing' {
  try {
    return statSync(p).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

/** The checks that need the file system: the CA file, OCI layout sources, and when building, context and Dockerfile. */
export function checkPaths(inputs: Inputs): void {
  if (inputs.caFile && kind(inputs.caFile) !== 'file') {
    throw new ActionError(
      `Input 'ca-file' is '${inputs.caFile}', which is not a file. Give the path of a PEM file with the registry's CA certificate(s).`,
    );
  }
  if (inputs.digestFile && kind(path.dirname(inputs.digestFile)) !== 'dir') {
    throw new ActionError(
      `Input 'digest-file' is '${inputs.digestFile}', whose directory does not exist. Create it first (e.g. mkdir -p).`,
    );
  }
  if (inputs.sourcesFrom && kind(inputs.sourcesFrom) !== 'dir') {
    throw new ActionError(
      `Input 'sources-from' is '${inputs.sourcesFrom}', which is not a directory. Download the build jobs' digest files there first.`,
    );
  }
  // An OCI layout is opened as merge-only mode will open it: a header scan, no blob read.
  for (const source of inputs.sources.filter(isLayoutReference)) LayoutSource.open(source);
  if (inputs.sources.length > 0 || inputs.sourcesFrom) return;
  if (kind(inputs.context) !== 'dir') {
    throw new ActionError(
      `Input 'context' is '${inputs.context}', which is not a directory. Check out the repository first or fix the path.`,
    );
  }
  if (
    inputs.driver === 'docker-container' &&
    inputs.buildkitdConfig &&
    kind(inputs.buildkitdConfig) !== 'file'
  ) {
    throw new ActionError(
      `Input 'buildkitd-config' is '${inputs.buildkitdConfig}', which is not a file. Fix the path, relative to the workspace.`,
    );
  }
  const perPlatform = Object.keys(inputs.build.platformFiles).length;
  if (perPlatform < inputs.platforms.length && kind(inputs.file) !== 'file') {
    throw new ActionError(
      `Dockerfile '${inputs.file}' does not exist. Set 'file' to the Dockerfile's path, relative to the workspace.`,
    );
  }
  for (const [platform, file] of Object.entries(inputs.build.platformFiles)) {
    if (kind(file) !== 'file') {
      throw new ActionError(
        `Input 'platform-files' gives '${file}' for ${platform}, which does not exist. Paths are relative to the workspace.`,
      );
    }
  }
  if (inputs.ociArchive && kind(path.dirname(inputs.ociArchive)) !== 'dir') {
    throw new ActionError(
      `Input 'oci-archive' is '${inputs.ociArchive}', whose directory does not exist. Create it first or choose another path.`,
    );
  }
  for (const secret of inputs.build.secrets) {
    if (secret.src && kind(secret.src) !== 'file') {
      throw new ActionError(
        `Input 'secret-files' gives '${secret.src}' for secret '${secret.id}', which is not a readable file.`,
      );
    }
  }
}

export function describeTags(tags: readonly Reference[]): string {
  return tags.map(formatReference).join(', ');
}
