// Parses the build-stage inputs (pure): build-push-action's names and
// meaning (those for RUN steps in run-steps.ts), plus platform-files,
// max-parallel, test-command and hooks.
import * as path from 'node:path';
import type { BuildOptions } from '../build-mode/options.js';
import type { Secret } from '../buildx/secrets.js';
import { formatPlatform, parsePlatform, type Platform } from '../platform.js';
import { CsvListError, parseCsvList } from './csv-list.js';
import { manifestAnnotationArgs } from '../oci/annotation-levels.js';
import { parseAnnotations } from './annotations.js';
import { parsePushActionInputs, PUSH_ACTION_INPUT_NAMES, type Attests } from './push-action.js';
import { maskablePieces, parseRunStepInputs, RUN_STEP_INPUT_NAMES } from './run-steps.js';

export const BUILD_INPUT_NAMES = [
  'target',
  'secrets',
  'secret-files',
  'no-cache',
  'pull',
  'cache-from',
  'cache-to',
  'build-contexts',
  'provenance',
  'sbom',
  'platform-files',
  'max-parallel',
  'test-command',
  'hooks',
  ...RUN_STEP_INPUT_NAMES,
  ...PUSH_ACTION_INPUT_NAMES,
  'annotations',
] as const;
export type BuildInputName = (typeof BUILD_INPUT_NAMES)[number];

type Problems = string[];

const lines = (v: string) =>
  v
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);

function bool(name: string, value: string, problems: Problems): boolean {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  problems.push(`Input '${name}' is '${value}'; valid values are true or false.`);
  return false;
}

const WORD = /^[A-Za-z0-9_.-]+$/;

/** KEY=VALUE lines; by default the key must be a word (secret ids, context names). */
function pairs(name: string, value: string, problems: Problems, keyPattern = WORD): [string, string][] {
  const out: [string, string][] = [];
  for (const line of lines(value)) {
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq).trim() : '';
    if (!keyPattern.test(key) || eq === line.length - 1) {
      problems.push(
        `Input '${name}' has '${name === 'secrets' ? `${key || '?'}=***` : line}'; each line must be KEY=VALUE with a non-empty value.`,
      );
      continue;
    }
    out.push([key, line.slice(eq + 1)]);
  }
  return out;
}

/** true|false|mode=min|mode=max|key=value,... as buildx takes for --provenance / --sbom. */
function attestation(name: string, value: string, problems: Problems): string {
  const v = value.trim();
  if (v === '' || v === 'false' || v === 'true' || /^[a-z-]+=[^,]+(,[a-z-]+=[^,]+)*$/.test(v))
    return v || 'false';
  problems.push(
    `Input '${name}' is '${value}'; valid values are true, false or buildx options such as mode=max.`,
  );
  return 'false';
}

interface PlatformFiles {
  platformFiles: Record<string, string>;
  platformContexts: Record<string, string>;
  platformFilesAuto: boolean;
}

/** PLATFORM=DOCKERFILE[@CONTEXT] lines; a blank CONTEXT is the Dockerfile's directory, as on Docker Hub. */
function platformFiles(
  value: string,
  cwd: string,
  platforms: readonly Platform[],
  problems: Problems,
): PlatformFiles {
  const out: PlatformFiles = { platformFiles: {}, platformContexts: {}, platformFilesAuto: false };
  if (value.trim() === 'auto') return { ...out, platformFilesAuto: true };
  const wanted = new Set(platforms.map(formatPlatform));
  for (const [raw, spec] of pairs('platform-files', value, problems, /^[a-z0-9/_-]+$/i)) {
    const p = parsePlatform(raw);
    const name = p && formatPlatform(p);
    if (!name || !wanted.has(name)) {
      problems.push(
        `Input 'platform-files' names '${raw}', which is not in 'platforms' (${[...wanted].join(', ')}); valid lines are PLATFORM=DOCKERFILE[@CONTEXT], or the one word auto.`,
      );
      continue;
    }
    const at = spec.lastIndexOf('@');
    const file = path.resolve(cwd, (at < 0 ? spec : spec.slice(0, at)).trim());
    out.platformFiles[name] = file;
    if (at >= 0)
      out.platformContexts[name] = path.resolve(cwd, spec.slice(at + 1).trim() || path.dirname(file));
  }
  return out;
}

function maxParallel(value: string, cores: number, problems: Problems): number {
  const v = value.trim();
  if (v === '' || v === 'auto') return Math.max(1, cores);
  if (/^[1-9]\d*$/.test(v)) return Number(v);
  problems.push(`Input 'max-parallel' is '${value}'; valid values are auto or a whole number from 1.`);
  return 1;
}

/** 'provenance' and 'sbom', each replaced by its 'attests' entry when there is one. */
function attestations(raw: Record<BuildInputName, string>, attests: Attests, problems: Problems) {
  const out = { provenance: '', sbom: '', attestInputs: [] as string[] };
  for (const type of ['provenance', 'sbom'] as const) {
    const own = attestation(type, raw[type], problems);
    const entry = attests[type];
    if (entry !== undefined && own !== 'false')
      problems.push(
        `Inputs '${type}' ('${raw[type]}') and 'attests' (type=${type}) both ask for ${type}; give it in one of them.`,
      );
    out[type] = entry ?? own;
    if (out[type] !== 'false')
      out.attestInputs.push(entry !== undefined ? `'attests' (type=${type})` : `'${type}'`);
  }
  return out;
}

export function parseBuildInputs(
  raw: Record<BuildInputName, string>,
  cwd: string,
  platforms: readonly Platform[],
  cores: number,
  problems: Problems,
): BuildOptions & { load: boolean } {
  const hooks = raw.hooks.trim() || 'auto';
  if (hooks !== 'auto' && hooks !== 'false' && hooks !== 'check')
    problems.push(`Input 'hooks' is '${raw.hooks}'; valid values are auto, false or check.`);
  const { secretEnvs, ...runSteps } = parseRunStepInputs(raw, problems);
  const { attests, call, load } = parsePushActionInputs(raw, problems);
  const secrets: Secret[] = [
    ...secretPairs(raw.secrets, problems),
    ...pairs('secret-files', raw['secret-files'], problems).map(([id, src]) => ({
      id,
      src: path.resolve(cwd, src),
    })),
    ...secretEnvs,
  ];
  return {
    target: raw.target.trim(),
    secrets,
    noCache: bool('no-cache', raw['no-cache'], problems),
    pull: bool('pull', raw.pull, problems),
    cacheFrom: lines(raw['cache-from']),
    cacheTo: lines(raw['cache-to']),
    buildContexts: pairs('build-contexts', raw['build-contexts'], problems).map(([k, v]) => `${k}=${v}`),
    ...attestations(raw, attests, problems),
    ...platformFiles(raw['platform-files'], cwd, platforms, problems),
    maxParallel: maxParallel(raw['max-parallel'], cores, problems),
    testCommand: raw['test-command'].trim(),
    hooks: hooks === 'false' || hooks === 'check' ? hooks : 'auto',
    ...runSteps,
    call,
    manifestAnnotations: manifestAnnotationArgs(parseAnnotations(raw.annotations, [])),
    load,
  };
}

/**
 * 'secrets' as build-push-action reads it: ID=VALUE entries, one a line, or a "quoted" entry whose value
 * spans lines (with "" for a quote); values are kept as written, whitespace included.
 */
function secretPairs(value: string, problems: Problems): Secret[] {
  let entries: string[];
  try {
    entries = parseCsvList(value);
  } catch (err) {
    if (!(err instanceof CsvListError)) throw err;
    problems.push(
      `Input 'secrets' cannot be read: ${err.message}. Quote an entry whose value spans lines as a whole, "ID=line 1\nline 2", and write a quote inside it as "".`,
    );
    return [];
  }
  const out: Secret[] = [];
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const id = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (!WORD.test(id) || eq === entry.length - 1) {
      problems.push(
        `Input 'secrets' has '${id || '?'}=***'; each entry must be ID=VALUE with a non-empty value (ID: letters, digits, '_', '.', '-').`,
      );
      continue;
    }
    out.push({ id, value: entry.slice(eq + 1) });
  }
  return out;
}

/** The secret values to mask, read from the raw 'secrets' input (each line of a multi-line one too). */
export function secretValues(raw: string): string[] {
  let entries: string[];
  try {
    entries = parseCsvList(raw);
  } catch {
    entries = lines(raw); // the run fails on the input; still mask what it holds
  }
  return entries
    .map((l) => l.slice(l.indexOf('=') + 1))
    .flatMap(maskablePieces)
    .filter((v) => v !== '');
}
