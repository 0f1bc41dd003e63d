// One multi-platform build's `--progress=rawjson` output (pure): the steps
// (vertexes) with their times, logs and errors, each given to the platform it
// built, so every platform gets a log of its own, a time and a named failure.

export interface Step {
  digest: string;
  name: string;
  inputs: string[];
  /** Milliseconds since the epoch. */
  started?: number;
  completed?: number;
  cached?: boolean;
  error?: string;
  log: string;
}

interface RawVertex {
  digest: string;
  name?: string;
  inputs?: string[];
  started?: string;
  completed?: string;
  cached?: boolean;
  error?: string;
}

interface RawStatus {
  vertexes?: RawVertex[];
  logs?: { vertex: string; data?: string }[];
}

/**
 * buildx writes one indented JSON object per update (json.Encoder with an
 * indent): each starts with a `{` line and ends with a `}` line at column 0;
 * anything else (the command line, the final ERROR text) is skipped.
 */
function* objects(text: string): Generator<RawStatus> {
  let buf: string[] | undefined;
  for (const line of text.split('\n')) {
    if (line === '{') buf = [line];
    else if (buf && line === '}') {
      buf.push(line);
      try {
        yield JSON.parse(buf.join('\n')) as RawStatus;
      } catch {
        // a torn object (the build was killed mid-write): skip it
      }
      buf = undefined;
    } else buf?.push(line);
  }
}

/** The lines between the JSON objects: the command line, buildx's warnings and its closing ERROR text. */
export function textLines(text: string): string {
  let inObject = false;
  const kept: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '{') inObject = true;
    else if (line === '}') inObject = false;
    else if (!inObject && line.trim()) kept.push(line);
  }
  return kept.join('\n');
}

const time = (s: string | undefined) => (s ? Date.parse(s) : undefined);

/** Every step of the build, in the order they started (cached ones as they appeared), with its latest state and whole log. */
export function parseRawProgress(text: string): Step[] {
  const steps = new Map<string, Step>();
  for (const status of objects(text)) {
    for (const v of status.vertexes ?? []) {
      const step = steps.get(v.digest) ?? { digest: v.digest, name: '', inputs: [], log: '' };
      step.name = v.name ?? step.name;
      step.inputs = v.inputs ?? step.inputs;
      step.started = step.started ?? time(v.started);
      step.completed = time(v.completed) ?? step.completed;
      step.cached = v.cached ?? step.cached;
      step.error = v.error ?? step.error;
      steps.set(v.digest, step);
    }
    for (const l of status.logs ?? []) {
      const step = steps.get(l.vertex);
      if (step && l.data) step.log += Buffer.from(l.data, 'base64').toString('utf8');
    }
  }
  const order = (s: Step) => s.started ?? Number.MAX_SAFE_INTEGER;
  return [...steps.values()].sort((a, b) => order(a) - order(b));
}

const PREFIX = /^\[([a-z0-9]+\/[a-z0-9]+(?:\/v[0-9]+)?)[\s\]]/;

/**
 * Each step's platform: the one its name carries (`[linux/arm64 1/3] COPY …`),
 * else the one all its inputs have (BuildKit names a RUN after a FROM scratch
 * stage without it); '' for the steps every platform shares (context, export).
 */
export function stepPlatforms(steps: readonly Step[], platforms: readonly string[]): Map<string, string> {
  const byDigest = new Map(steps.map((s) => [s.digest, s]));
  const found = new Map<string, string>();
  const platformOf = (step: Step, seen: Set<string>): string => {
    const known = found.get(step.digest);
    if (known !== undefined) return known;
    const named = PREFIX.exec(step.name)?.[1];
    let result = named && platforms.includes(named) ? named : '';
    if (!result && !seen.has(step.digest)) {
      seen.add(step.digest);
      const parents = step.inputs.map((d) => byDigest.get(d)).filter((s): s is Step => s !== undefined);
      const theirs = new Set(parents.map((p) => platformOf(p, seen)));
      const [only] = theirs;
      if (theirs.size === 1 && only) result = only;
    }
    found.set(step.digest, result);
    return result;
  };
  for (const step of steps) platformOf(step, new Set());
  return found;
}

/** The steps of each platform ('' for the shared ones), in build order. */
export function splitByPlatform(steps: readonly Step[], platforms: readonly string[]): Map<string, Step[]> {
  const of = stepPlatforms(steps, platforms);
  const split = new Map<string, Step[]>([['', []], ...platforms.map((p): [string, Step[]] => [p, []])]);
  for (const step of steps) split.get(of.get(step.digest) ?? '')?.push(step);
  return split;
}

/** From the first step's start to the last one's end, in ms since the epoch. */
export function stepsSpan(steps: readonly Step[]): { start: number; end: number } | undefined {
  const starts = steps.map((s) => s.started).filter((t): t is number => t !== undefined);
  const ends = steps.map((s) => s.completed ?? s.started).filter((t): t is number => t !== undefined);
  if (starts.length === 0) return undefined;
  return { start: Math.min(...starts), end: Math.max(...ends) };
}

const CANCELED = /context canceled|^canceled$/i;

/** The step that failed first for a cause of its own (the others are cancelled because of it). */
export function firstFailure(steps: readonly Step[]): Step | undefined {
  const failed = steps.filter((s) => s.error && !CANCELED.test(s.error));
  return failed.sort((a, b) => (a.completed ?? 0) - (b.completed ?? 0))[0];
}

/** The steps as `--progress=plain` would print them, roughly: name, log lines, outcome. */
export function renderSteps(steps: readonly Step[]): string {
  return steps
    .map((s) => {
      const secs = s.started !== undefined && s.completed !== undefined;
      const outcome = s.error
        ? `ERROR: ${s.error}`
        : s.cached
          ? 'CACHED'
          : secs
            ? `DONE ${(((s.completed ?? 0) - (s.started ?? 0)) / 1000).toFixed(1)}s`
            : 'not finished';
      const log = s.log.trimEnd();
      return [`${s.name}`, ...(log ? log.split('\n').map((l) => `  ${l}`) : []), `  ${outcome}`].join('\n');
    })
    .join('\n');
}
