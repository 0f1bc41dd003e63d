// Parses build-push-action's 'outputs', 'attests', 'call' and 'load' (pure),
// with its syntax. 'outputs' has no entry this action can take as written:
// each names the input that does the same here. 'attests' entries become
// the 'provenance' and 'sbom' values buildx takes (--attest type=X,... is
// --X=...).
import { CsvListError, parseCsvList } from './csv-list.js';

export const PUSH_ACTION_INPUT_NAMES = ['outputs', 'attests', 'call', 'load'] as const;
export type PushActionInputName = (typeof PUSH_ACTION_INPUT_NAMES)[number];

type Problems = string[];

/** buildx --call methods (buildx 0.15+); build is the default, which builds. */
export const CALL_METHODS = ['build', 'check', 'outline', 'targets', 'subrequests.describe'] as const;

function entries(name: string, value: string, problems: Problems): string[] {
  try {
    return parseCsvList(value).map((e) => e.trim());
  } catch (err) {
    if (!(err instanceof CsvListError)) throw err;
    problems.push(`Input '${name}' cannot be read: ${err.message}.`);
    return [];
  }
}

/** key=value,... -> a map (keys lower case); a part without '=' is kept under its own name with ''. */
export function csvAttributes(entry: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of entry.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) out.set(part.trim().toLowerCase(), '');
    else out.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return out;
}

/** What this action does instead of one 'outputs' entry (buildx --output syntax). */
export function outputEquivalent(entry: string): string {
  const a = csvAttributes(entry);
  const type = a.get('type') ?? (entry.includes('=') ? '' : 'local');
  const dest = a.get('dest');
  if (a.get('push-by-digest') === 'true')
    return `push by digest with 'push-by-digest: true' (and 'digest-file' for the merge job)`;
  if (type === 'registry' || (type === 'image' && a.get('push') === 'true'))
    return `push with 'push: true' (the index goes to every reference in 'tags', all or nothing)`;
  if (type === 'image') return `leave 'outputs' out: the image always goes to the local registry`;
  if (type === 'docker')
    return `load the images into the runner's engine with 'load: true'${dest ? `; for a file, write an OCI archive with 'oci-archive: ${dest}'` : ''}`;
  if (type === 'oci')
    return `write the OCI layout tarball of every platform with 'oci-archive: ${dest ?? 'PATH'}'`;
  if (type === 'tar' || type === 'local')
    return `there is no equivalent for a ${type} file-system export; write an image archive with 'oci-archive: PATH', or run 'docker buildx build --output ${entry}' in a step of its own`;
  if (type === 'cacheonly') return `leave 'outputs' out and set 'push: false': nothing is pushed`;
  return `valid types are registry, image, docker, oci, tar, local and cacheonly`;
}

function outputs(value: string, problems: Problems): void {
  for (const entry of entries('outputs', value, problems))
    problems.push(
      `Input 'outputs' has '${entry}', which this action cannot take as buildx's --output: it always builds into its local registry and publishes from there. Instead, ${outputEquivalent(entry)}.`,
    );
}

export interface Attests {
  /** The 'provenance' / 'sbom' value an entry asks for, as buildx's --provenance / --sbom take it. */
  provenance?: string;
  sbom?: string;
}

/** type=provenance|sbom[,key=value...] lines; disabled=true turns one off. */
function attests(value: string, problems: Problems): Attests {
  const out: Attests = {};
  for (const entry of entries('attests', value, problems)) {
    const a = csvAttributes(entry);
    const type = a.get('type');
    if (type !== 'provenance' && type !== 'sbom') {
      problems.push(
        `Input 'attests' has '${entry}'; each entry is type=provenance or type=sbom with buildx's options, such as type=provenance,mode=max or type=sbom.`,
      );
      continue;
    }
    if (out[type] !== undefined) problems.push(`Input 'attests' has type=${type} twice; give it once.`);
    const rest = entry
      .split(',')
      .filter((p) => !/^\s*type\s*=/i.test(p))
      .map((p) => p.trim())
      .filter(Boolean);
    out[type] = a.get('disabled') === 'true' ? 'false' : rest.join(',') || 'true';
  }
  return out;
}

function call(value: string, problems: Problems): string {
  const v = value.trim();
  const method = v.split(',')[0] ?? '';
  if (v !== '' && !(CALL_METHODS as readonly string[]).includes(method)) {
    problems.push(
      `Input 'call' is '${value}'; valid values are ${CALL_METHODS.join(', ')} (buildx --call), such as check.`,
    );
  }
  return v === '' ? 'build' : v;
}

export interface PushActionInputs {
  attests: Attests;
  /** build, or a buildx --call method that evaluates the build instead of running it. */
  call: string;
  load: boolean;
}

export function parsePushActionInputs(
  raw: Record<PushActionInputName, string>,
  problems: Problems,
): PushActionInputs {
  outputs(raw.outputs, problems);
  const load = raw.load.trim().toLowerCase();
  if (load !== '' && load !== 'true' && load !== 'false')
    problems.push(`Input 'load' is '${raw.load}'; valid values are true or false.`);
  return { attests: attests(raw.attests, problems), call: call(raw.call, problems), load: load === 'true' };
}
