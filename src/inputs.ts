// The only module that reads inputs. Names are action.yml's; defaults live
// only in action.yml. Secrets are masked the moment they are read.
import * as core from '@actions/core';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { ActionError } from './errors.js';
import type { IndexFormat } from './oci/index-merge.js';
import { KNOWN_PLATFORMS, formatPlatform, parsePlatform, type Platform } from './platform.js';
import {
  parseReference,
  formatReference,
  ReferenceSyntaxError,
  type Reference,
} from './registry/reference.js';

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
  'sources',
  'insecure-registries',
  'ca-file',
  'index-format',
  'attestations',
  'annotations',
] as const;
export type InputName = (typeof INPUT_NAMES)[number];
export type RawInputs = Record<InputName, string>;

export const QEMU_MODES = ['auto', 'host', 'false'] as const;
export type QemuMode = (typeof QEMU_MODES)[number];
const NETWORKS = ['default', 'host', 'none'];
export const INDEX_FORMATS = ['auto', 'oci', 'docker'] as const;
export const ATTESTATION_MODES = ['keep', 'strip'] as const;
const HOST_PORT =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::\d{1,5})?$/;

export interface Inputs {
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
  /** Merge-only mode when non-empty: these images are merged, nothing is built. */
  sources: Reference[];
  insecureRegistries: string[];
  caFile: string;
  indexFormat: IndexFormat;
  attestations: (typeof ATTESTATION_MODES)[number];
  annotations: Record<string, string>;
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
  return raw;
}

/** Splits on newlines, and on commas too when `commas`; trims, drops empties. */
export function splitList(value: string, commas: boolean): string[] {
  return value
    .split(commas ? /[\n,]/ : /\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function parseBoolean(name: InputName, value: string, problems: string[]): boolean {
  if (/^true$/i.test(value.trim())) return true;
  if (/^false$/i.test(value.trim()) || value.trim() === '') return false;
  problems.push(`Input '${name}' is '${value}'; valid values are true or false.`);
  return false;
}

function parseKeyValues(name: InputName, value: string, problems: string[]): string[] {
  const lines = splitList(value, false);
  for (const line of lines) {
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq) : '';
    if (!key || /\s/.test(key)) {
      problems.push(`Input '${name}' has '${line}'; each line must be KEY=VALUE with a key without spaces.`);
    }
  }
  return lines;
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

function parseSources(value: string, problems: string[]): Reference[] {
  const sources: Reference[] = [];
  for (const raw of splitList(value, true)) {
    try {
      const ref = parseReference(raw);
      sources.push(ref.digest || ref.tag ? ref : { ...ref, tag: 'latest' });
    } catch (err) {
      if (!(err instanceof ReferenceSyntaxError)) throw err;
      problems.push(
        `Input 'sources' has invalid reference '${raw}': ${err.message}; use name:tag or name@sha256:<digest> such as ghcr.io/acme/app:1.0-amd64.`,
      );
    }
  }
  return sources;
}

function parseHosts(value: string, problems: string[]): string[] {
  const hosts = splitList(value, true);
  for (const host of hosts.filter((h) => !HOST_PORT.test(h))) {
    problems.push(
      `Input 'insecure-registries' has '${host}'; each entry is a registry host[:port] such as registry.intranet:5000, without a scheme or path.`,
    );
  }
  return hosts;
}

function parseChoice<T extends string>(
  name: InputName,
  value: string,
  valid: readonly T[],
  problems: string[],
): T {
  const v = value.trim() || (valid[0] as T);
  if (!(valid as readonly string[]).includes(v)) {
    problems.push(`Input '${name}' is '${v}'; valid values are ${valid.join(', ')}.`);
  }
  return v as T;
}

function toRecord(lines: readonly string[]): Record<string, string> {
  return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/** Pure: turns raw strings into typed inputs, or throws one ActionError listing every problem. */
export function validateInputs(raw: RawInputs, cwd: string): Validated {
  const problems: string[] = [];
  const warnings: string[] = [];
  const platforms = parsePlatforms(raw.platforms, problems, warnings);
  const tags = parseTags(raw.tags, problems);
  const push = parseBoolean('push', raw.push, problems);
  if (push && tags.length === 0 && !problems.some((p) => p.includes("'tags'"))) {
    problems.push(
      `Input 'push' is true but 'tags' is empty; give at least one reference such as ghcr.io/acme/app:1.0.`,
    );
  }
  if (raw.sources.trim() && tags.length === 0 && !problems.some((p) => p.includes("'tags'"))) {
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
  const sources = parseSources(raw.sources, problems);
  const indexFormat = parseChoice('index-format', raw['index-format'], INDEX_FORMATS, problems);
  const attestations = parseChoice('attestations', raw.attestations, ATTESTATION_MODES, problems);
  const annotations = toRecord(parseKeyValues('annotations', raw.annotations, problems));
  const insecureRegistries = parseHosts(raw['insecure-registries'], problems);
  const caFile = raw['ca-file'].trim() ? path.resolve(cwd, raw['ca-file'].trim()) : '';
  const buildArgs = parseKeyValues('build-args', raw['build-args'], problems);
  const labels = parseKeyValues('labels', raw.labels, problems);
  const context = path.resolve(cwd, raw.context.trim() || '.');
  const file = raw.file.trim() ? path.resolve(cwd, raw.file.trim()) : path.join(context, 'Dockerfile');
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
    sources,
    insecureRegistries,
    caFile,
    indexFormat,
    attestations,
    annotations,
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

/** The checks that need the file system: the CA file, and when building, context and Dockerfile. */
export function checkPaths(inputs: Inputs): void {
  if (inputs.caFile && kind(inputs.caFile) !== 'file') {
    throw new ActionError(
      `Input 'ca-file' is '${inputs.caFile}', which is not a file. Give the path of a PEM file with the registry's CA certificate(s).`,
    );
  }
  if (inputs.sources.length > 0) return;
  if (kind(inputs.context) !== 'dir') {
    throw new ActionError(
      `Input 'context' is '${inputs.context}', which is not a directory. Check out the repository first or fix the path.`,
    );
  }
  if (kind(inputs.file) !== 'file') {
    throw new ActionError(
      `Dockerfile '${inputs.file}' does not exist. Set 'file' to the Dockerfile's path, relative to the workspace.`,
    );
  }
}

export function describeTags(tags: readonly Reference[]): string {
  return tags.map(formatReference).join(', ');
}
