// A Docker Hub `hooks/build` that loops over Dockerfile.<arch> files, read
// and followed without a shell (pure): its assignments and `for` loops are
// evaluated (shell-word.ts) and each `docker build` it would run is recorded
// with the Dockerfile, tags, build args and labels it passes. Its pushes are
// left to the action; any other command stops the reading at its line.
import { Unevaluable, evaluateWord, globSource, splitWords, type WordScope } from './shell-word.js';

/** One `docker build` the hook would have run. */
export interface LoopBuild {
  /** Its line in the hook (1-based) and the command as written there. */
  line: number;
  text: string;
  /** The Dockerfile, as -f names it from the hook's directory ('Dockerfile' without -f). */
  file: string;
  /** Evaluated, or as written when they cannot be. */
  tags: string[];
  buildArgs: string[];
  labels: string[];
}

/** A line of the hook the action cannot follow, and why. */
export class HookLineError extends Error {
  constructor(
    readonly line: number,
    readonly text: string,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'HookLineError';
  }
}

interface Statement {
  line: number;
  text: string;
}

/** The hook's commands with their line numbers: continuations joined, comments dropped, split on ; and &&. */
export function statementsOf(script: string): Statement[] {
  const out: Statement[] = [];
  const lines = script.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let text = lines[i] ?? '';
    while (text.endsWith('\\') && i + 1 < lines.length)
      text = `${text.slice(0, -1).trimEnd()} ${(lines[++i] ?? '').trimStart()}`;
    for (const part of splitOutside(withoutComment(text)))
      if (part.trim()) out.push({ line, text: part.trim() });
  }
  return out;
}

/** Walks the text outside quotes and ${…}/$(…), calling `at` for each such character. */
function outside(text: string, at: (i: number) => boolean | void): void {
  let quote = '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === '\\') i++;
    else if (quote) quote = c === quote ? '' : quote;
    else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '$' && (text[i + 1] === '{' || text[i + 1] === '(')) depth++;
    else if (depth > 0 && (c === '}' || c === ')')) depth--;
    else if (depth === 0 && at(i) === true) return;
  }
}

function withoutComment(text: string): string {
  let cut = text.length;
  outside(text, (i) => {
    if (text[i] === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) cut = i;
    return cut !== text.length;
  });
  return text.slice(0, cut);
}

function splitOutside(text: string): string[] {
  const cuts: [number, number][] = [];
  outside(text, (i) => {
    if (text[i] === ';') cuts.push([i, 1]);
    else if (text.startsWith('&&', i)) cuts.push([i, 2]);
  });
  const parts: string[] = [];
  let from = 0;
  for (const [at, len] of cuts.filter(([at], k, all) => k === 0 || at > (all[k - 1]?.[0] ?? -1) + 1)) {
    parts.push(text.slice(from, at));
    from = at + len;
  }
  return [...parts, text.slice(from)];
}

const ASSIGN = /^(?:(?:export|readonly|local|declare)\s+)?([A-Za-z_]\w*)=(.*)$/s;
const IGNORED =
  /^(echo|printf|set|:|true|export\s+[A-Za-z_]\w*$|docker\s+(push|tag|rmi|image\s+(rm|ls|inspect)|images|login)\b|(sudo\s+)?docker\s+run\b.*multiarch\/qemu-user-static)/;
const BUILD = /^docker\s+(image\s+)?build(\s|$)/;
const NO_VALUE = new Set([
  '--rm',
  '--force-rm',
  '--pull',
  '--no-cache',
  '-q',
  '--quiet',
  '--compress',
  '--squash',
]);
const IGNORED_VALUE = new Set(['--network', '--platform', '--cache-from']);

interface Scope extends WordScope {
  vars: Record<string, string | Unevaluable>;
  /** File names in the hook's directory, for the loop's globs. */
  files: readonly string[];
  /** The variables in the hook's environment (Hub's, and those it exports): what `--build-arg NAME` reads. */
  exported: Set<string>;
}

function value(s: Statement, word: string, scope: Scope): string {
  try {
    return evaluateWord(word, scope);
  } catch (err) {
    if (err instanceof Unevaluable) throw new HookLineError(s.line, s.text, err.message);
    throw err;
  }
}

/** A `for` loop's list: evaluated, unquoted expansions split, globs matched against the directory. */
function loopWords(s: Statement, words: readonly string[], scope: Scope): string[] {
  return words.flatMap((w) => {
    const v = value(s, w, scope);
    const bare = w.replace(/'[^']*'|"(\\.|[^"\\])*"/g, '');
    const fields = bare === w ? v.split(/\s+/).filter(Boolean) : [v];
    return fields.flatMap((f) => {
      if (!/[*?]/.test(bare.replace(/\$\{[^}]*\}|\$\([^)]*\)/g, '')) || !/[*?]/.test(f)) return [f];
      const re = new RegExp(`^${globSource(f)}$`);
      const hits = scope.files.filter((n) => re.test(n)).sort();
      return hits.length > 0 ? hits : [f];
    });
  });
}

function flagValue(s: Statement, args: string[], i: number, flag: string): [string, number] {
  const word = args[i] ?? '';
  if (word.startsWith(`${flag}=`)) return [word.slice(flag.length + 1), i];
  const next = args[i + 1];
  if (next === undefined) throw new HookLineError(s.line, s.text, `${flag} has no value`);
  return [next, i + 1];
}

/** One `docker build` command, evaluated. */
function buildOf(s: Statement, scope: Scope): LoopBuild {
  const args = splitWords(s.text).slice(s.text.startsWith('docker image') ? 3 : 2);
  const b: LoopBuild = {
    line: s.line,
    text: s.text,
    file: 'Dockerfile',
    tags: [],
    buildArgs: [],
    labels: [],
  };
  const contexts: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i] ?? '';
    const flag = /^(-[A-Za-z]|--[a-z-]+)/.exec(word)?.[0] ?? '';
    const [raw, next] = flag && !NO_VALUE.has(word) ? flagValue(s, args, i, flag) : [word, i];
    i = next;
    if (flag === '-f' || flag === '--file') b.file = value(s, raw, scope).replace(/^(\.\/)+/, '');
    else if (flag === '-t' || flag === '--tag') b.tags.push(tagOf(raw, scope));
    else if (flag === '--build-arg') {
      const arg = value(s, raw, scope);
      const fromEnv = scope.exported.has(arg) ? scope.vars[arg] : undefined;
      if (fromEnv instanceof Unevaluable) throw new HookLineError(s.line, s.text, fromEnv.message);
      if (arg.includes('=')) b.buildArgs.push(arg);
      else if (fromEnv !== undefined) b.buildArgs.push(`${arg}=${fromEnv}`);
    } else if (flag === '--label') b.labels.push(value(s, raw, scope));
    else if (NO_VALUE.has(word) || IGNORED_VALUE.has(flag)) continue;
    else if (flag) throw new HookLineError(s.line, s.text, `docker build's ${flag} has no equivalent here`);
    else contexts.push(value(s, raw, scope));
  }
  if (contexts.length !== 1 || !/^\.\/?$/.test(contexts[0] ?? ''))
    throw new HookLineError(s.line, s.text, `it builds context '${contexts.join(' ')}', not '.'`);
  return b;
}

function tagOf(word: string, scope: Scope): string {
  try {
    return evaluateWord(word, scope);
  } catch {
    return word;
  }
}

/** `NAME=WORD` (or `export NAME=WORD`): evaluated now, or kept as refused until used; false for other commands. */
function assignment(s: Statement, scope: Scope): boolean {
  const m = ASSIGN.exec(s.text);
  const keyword = /^(export|readonly|local|declare)\s/.test(s.text);
  if (!m || splitWords(s.text).length !== (keyword ? 2 : 1)) return false;
  const [, name = '', word = ''] = m;
  if (s.text.startsWith('export')) scope.exported.add(name);
  try {
    scope.vars[name] = evaluateWord(word, scope);
  } catch (err) {
    if (!(err instanceof Unevaluable)) throw err;
    // Refused only where it is used, naming where it was set.
    scope.vars[name] = new Unevaluable(`${err.part} (set as ${name} on line ${s.line})`);
  }
  return true;
}

/** Runs statements from `at` until a `done` (or the end), collecting builds; answers where it stopped. */
function execute(
  body: readonly Statement[],
  at: number,
  scope: Scope,
  builds: LoopBuild[],
  dry = false,
): number {
  for (let i = at; i < body.length; i++) {
    const s = body[i] as Statement;
    const text = s.text.replace(/^do\s+/, '');
    if (text === 'do') continue;
    if (text === 'done') return i;
    const loop = /^for\s+([A-Za-z_]\w*)\s+in\s+(.*)$/s.exec(text);
    if (loop) {
      const [, name = '', list = ''] = loop;
      const items = dry ? [] : loopWords(s, splitWords(list), scope);
      let end = execute(body, i + 1, scope, builds, true);
      for (const item of items)
        end = execute(body, i + 1, { ...scope, vars: { ...scope.vars, [name]: item } }, builds);
      i = end;
      continue;
    }
    if (dry) continue;
    if (assignment({ ...s, text }, scope)) continue;
    if (BUILD.test(text)) builds.push(buildOf({ ...s, text }, scope));
    else if (/^export\s+[A-Za-z_]\w*$/.test(text)) scope.exported.add(text.slice(6).trim());
    else if (!IGNORED.test(text))
      throw new HookLineError(s.line, s.text, 'the action cannot follow this command');
  }
  return body.length;
}

/** Every `docker build` the hook would run, in order, with Hub's variables `vars` and the directory's `files`. */
export function followBuildLoop(
  script: string,
  vars: Readonly<Record<string, string>>,
  files: readonly string[],
  now: Date,
): LoopBuild[] {
  const builds: LoopBuild[] = [];
  const exported = new Set(Object.keys(vars));
  execute(statementsOf(script), 0, { vars: { ...vars }, files, now, exported }, builds);
  return builds;
}
