// Tool inputs (pure): which buildx, which builder, which local registry, and
// the mirrors for air-gapped runners. Read by inputs.ts, the only reader.
import * as path from 'node:path';
import { MIN_BUILDX } from '../buildx/version.js';
import { compareVersions } from '../versions.js';

export const TOOL_INPUT_NAMES = [
  'buildx-version',
  'buildx-url',
  'driver',
  'buildkit-image',
  'buildkitd-config',
  'local-registry',
  'registry-url',
  'registry-image',
] as const;
type ToolInputName = (typeof TOOL_INPUT_NAMES)[number];

export const DRIVERS = ['docker', 'docker-container'] as const;
export type Driver = (typeof DRIVERS)[number];
export const REGISTRY_MODES = ['auto', 'binary', 'container'] as const;
export type RegistryMode = (typeof REGISTRY_MODES)[number];

export interface ToolInputs {
  /** auto, latest, system, or vX.Y.Z (a "v" added when missing). */
  buildxVersion: string;
  buildxUrl: string;
  driver: Driver;
  buildkitImage: string;
  /** Absolute path, or '' when not given. */
  buildkitdConfig: string;
  localRegistry: RegistryMode;
  registryUrl: string;
  registryImage: string;
}

function parseChoice<T extends string>(
  name: ToolInputName,
  value: string,
  valid: readonly T[],
  problems: string[],
): T {
  const v = value.trim();
  if (!(valid as readonly string[]).includes(v))
    problems.push(`Input '${name}' is '${v}'; valid values are ${valid.join(', ')}.`);
  return v as T;
}

function parseBaseUrl(name: ToolInputName, value: string, problems: string[]): string {
  const v = value.trim().replace(/\/+$/, '');
  if (v !== '' && !/^https?:\/\/[^/\s]+(\/\S*)?$/.test(v))
    problems.push(`Input '${name}' is '${v}'; give an http(s) URL of a mirror of the release layout.`);
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

export function parseToolInputs(
  raw: Record<ToolInputName, string>,
  cwd: string,
  problems: string[],
  warnings: string[],
): ToolInputs {
  const buildxUrl = parseBaseUrl('buildx-url', raw['buildx-url'], problems);
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
    buildkitImage: raw['buildkit-image'].trim(),
    buildkitdConfig,
    localRegistry,
    registryUrl: parseBaseUrl('registry-url', raw['registry-url'], problems),
    registryImage: raw['registry-image'].trim(),
  };
}
