// Tool inputs (pure): which buildx, which builder, which local registry, and
// the mirrors for air-gapped runners. Read by read.ts, the only reader.
import * as path from 'node:path';
import type { ToolOptions } from '../build-mode/options.js';
import { DRIVERS } from '../buildx/builder.js';
import { MIN_BUILDX } from '../buildx/version.js';
import { REGISTRY_MODES } from '../local-registry/service.js';
import { compareVersions } from '../versions.js';
import { parseBoolean, parseChoice } from './parsers.js';

export const TOOL_INPUT_NAMES = [
  'buildx-version',
  'buildx-url',
  'driver',
  'builder',
  'buildkit-image',
  'buildkitd-config',
  'local-registry',
  'registry-url',
  'allow-insecure-downloads',
  'registry-image',
] as const;
type ToolInputName = (typeof TOOL_INPUT_NAMES)[number];

/** A mirror's base URL: https, or http only with 'allow-insecure-downloads' (the checksums come from the same host). */
function parseBaseUrl(name: ToolInputName, value: string, insecureOk: boolean, problems: string[]): string {
  const v = value.trim().replace(/\/+$/, '');
  if (v !== '' && !/^https?:\/\/[^/\s]+(\/\S*)?$/i.test(v))
    problems.push(`Input '${name}' is '${v}'; give an http(s) URL of a mirror of the release layout.`);
  else if (/^http:/i.test(v) && !insecureOk)
    problems.push(
      `Input '${name}' is '${v}': downloads must use https, since the checksums come from the same host and plain http lets anyone on the path swap both. Use an https mirror, or set 'allow-insecure-downloads: true' for a mirror on a network you trust.`,
    );
  return v;
}

/** buildx-version: auto, latest, system or a version of at least MIN_BUILDX ("0.19.2" -> "v0.19.2"). */
function parseBuildxVersionInput(value: string, mirror: string, problems: string[]): string {
  const v = value.trim();
  if (['auto', 'latest', 'system'].includes(v)) {
    if (v === 'latest' && mirror)
      problems.push(
        `Input 'buildx-version' is 'latest' but 'buildx-url' is a mirror, which has no "latest"; pin a version such as v0.19.2.`,
      );
    return v;
  }
  const m = /^v?(\d+\.\d+\.\d+)$/.exec(v);
  if (!m?.[1]) {
    problems.push(
      `Input 'buildx-version' is '${v}'; valid values are auto, latest, system or a version such as v0.19.2.`,
    );
    return v;
  }
  if (compareVersions(m[1], MIN_BUILDX) < 0)
    problems.push(`Input 'buildx-version' is '${v}'; this action needs buildx ${MIN_BUILDX} or newer.`);
  return `v${m[1]}`;
}

/** An existing builder's name, as buildx and docker contexts allow; not with a throwaway builder. */
function parseBuilder(value: string, driver: string, problems: string[]): string {
  const name = value.trim();
  if (name === '') return '';
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name))
    problems.push(
      `Input 'builder' is '${name}'; give a buildx builder's name (letters, digits, '_', '.', '-'), such as the 'name' output of docker/setup-buildx-action.`,
    );
  if (driver === 'docker-container')
    problems.push(
      `Inputs 'builder' ('${name}') and 'driver: docker-container' both choose the builder; set one: 'builder' builds on an existing builder, 'driver: docker-container' makes a throwaway one.`,
    );
  return name;
}

export function parseToolInputs(
  raw: Record<ToolInputName, string>,
  cwd: string,
  problems: string[],
  warnings: string[],
): ToolOptions {
  const insecureOk = parseBoolean('allow-insecure-downloads', raw['allow-insecure-downloads'], problems);
  const buildxUrl = parseBaseUrl('buildx-url', raw['buildx-url'], insecureOk, problems);
  const driver = parseChoice('driver', raw.driver, DRIVERS, problems);
  const buildkitdConfig = raw['buildkitd-config'].trim()
    ? path.resolve(cwd, raw['buildkitd-config'].trim())
    : '';
  if (driver === 'docker' && buildkitdConfig)
    warnings.push(
      `Input 'buildkitd-config' is ignored with driver 'docker'; it applies to 'docker-container' only.`,
    );
  const localRegistry = parseChoice('local-registry', raw['local-registry'], REGISTRY_MODES, problems);
  return {
    buildxVersion: parseBuildxVersionInput(raw['buildx-version'], buildxUrl, problems),
    buildxUrl,
    driver,
    builder: parseBuilder(raw.builder, driver, problems),
    buildkitImage: raw['buildkit-image'].trim(),
    buildkitdConfig,
    localRegistry,
    registryUrl: parseBaseUrl('registry-url', raw['registry-url'], insecureOk, problems),
    registryImage: raw['registry-image'].trim(),
  };
}
