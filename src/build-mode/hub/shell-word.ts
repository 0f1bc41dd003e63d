// The few shell forms a Docker Hub hook's build arguments are written in,
// evaluated without a shell (pure): quotes, $VAR and ${VAR}, the ${VAR#…},
// ${VAR%…}, ${VAR:-…}, ${VAR:offset:length}, ${VAR/…/…} and ${VAR,,} forms,
// $(date -u +FORMAT) at the run's start and $(git rev-parse [--short] HEAD)
// from SOURCE_COMMIT. Anything else is refused with the part that is not
// understood, so nothing is guessed and nothing from the repository runs.

/** A value the action will not compute, with the part of the word that stops it. */
export class Unevaluable extends Error {
  constructor(readonly part: string) {
    super(`cannot evaluate ${part}`);
    this.name = 'Unevaluable';
  }
}

/** What words are evaluated with: variables (unset ones are empty, as in bash) and the clock. */
export interface WordScope {
  vars: Readonly<Record<string, string | Unevaluable>>;
  now: Date;
}

/** A shell glob (*, ?) as an anchored regex source. */
export function globSource(glob: string): string {
  return glob.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.' : `\\${c}`));
}

function trim(value: string, op: string, pattern: string): string {
  const src = globSource(pattern);
  const lazy = src.replace(/\.\*/g, '.*?');
  if (op === '#') return value.replace(new RegExp(`^${lazy}`), '');
  if (op === '##') return value.replace(new RegExp(`^${src}`), '');
  // Suffixes: the shortest (%) or longest (%%) match that ends the value.
  const starts = Array.from({ length: value.length + 1 }, (_v, i) => i);
  const order = op === '%' ? starts.reverse() : starts;
  const at = order.find((i) => new RegExp(`^${src}$`).test(value.slice(i)));
  return at === undefined ? value : value.slice(0, at);
}

function variable(name: string, scope: WordScope): string {
  const v = scope.vars[name];
  if (v instanceof Unevaluable) throw v;
  return v ?? '';
}

const PARAM =
  /^([A-Za-z_]\w*)(?:(:?[-=+])(.*)|(##?|%%?)(.*)|:(-?\d+)(?::(\d+))?|(\/\/?)([^/]*)\/?(.*)|(,,|\^\^))?$/s;

/** ${…}: the forms above; the operands are words themselves (pure). */
function parameter(body: string, scope: WordScope): string {
  const m = PARAM.exec(body);
  if (!m) throw new Unevaluable(`\${${body}}`);
  const [, name = '', dflt, dword = '', trimOp, tword = '', off, len, subOp, from = '', to = '', kase] = m;
  const value = variable(name, scope);
  if (dflt) {
    const set = dflt.startsWith(':') ? value !== '' : name in scope.vars;
    if (dflt.endsWith('+')) return set ? evaluateWord(dword, scope) : '';
    return set ? value : evaluateWord(dword, scope);
  }
  if (trimOp) return trim(value, trimOp, evaluateWord(tword, scope));
  if (off !== undefined) {
    const start = Number(off) < 0 ? Math.max(0, value.length + Number(off)) : Number(off);
    return len === undefined ? value.slice(start) : value.slice(start, start + Number(len));
  }
  if (subOp) {
    const re = new RegExp(globSource(evaluateWord(from, scope)), subOp === '//' ? 'g' : '');
    const by = evaluateWord(to, scope);
    return value.replace(re, () => by);
  }
  if (kase) return kase === ',,' ? value.toLowerCase() : value.toUpperCase();
  return value;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** date's +FORMAT, in UTC (Hub's builders ran in UTC). */
function formatDate(format: string, d: Date): string {
  const parts: Record<string, () => string> = {
    Y: () => String(d.getUTCFullYear()),
    y: () => pad(d.getUTCFullYear() % 100),
    m: () => pad(d.getUTCMonth() + 1),
    d: () => pad(d.getUTCDate()),
    H: () => pad(d.getUTCHours()),
    M: () => pad(d.getUTCMinutes()),
    S: () => pad(d.getUTCSeconds()),
    s: () => String(Math.floor(d.getTime() / 1000)),
    F: () => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    T: () => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
    Z: () => 'UTC',
    z: () => '+0000',
    '%': () => '%',
  };
  return format.replace(/%(.)/g, (all, c: string) => {
    const f = parts[c];
    if (!f) throw new Unevaluable(`date's ${all}`);
    return f();
  });
}

/** $(…) and `…`: date and git rev-parse of HEAD only. */
function substitution(command: string, scope: WordScope): string {
  const words = splitWords(command.trim()).map((w) => evaluateWord(w, scope));
  const [tool, ...args] = words;
  if (tool === 'date' && args.every((a) => /^(-u|--utc|--universal|\+.*)$/.test(a)))
    return formatDate(args.find((a) => a.startsWith('+'))?.slice(1) ?? '%a %b %e %T %Z %Y', scope.now);
  const short = /^--short(=(\d+))?$/.exec(args[1] ?? '');
  if (tool === 'git' && args[0] === 'rev-parse' && args.at(-1) === 'HEAD' && args.length <= 3) {
    const commit = variable('SOURCE_COMMIT', scope);
    if (!commit) throw new Unevaluable(`$(${command}) (SOURCE_COMMIT is empty)`);
    if (args.length === 2) return commit;
    if (short) return commit.slice(0, Number(short[2] ?? 7));
  }
  throw new Unevaluable(`$(${command})`);
}

/** The index of the character closing the part opened at `i`: quotes, escapes and nesting respected. */
function closing(text: string, i: number, open: string, close: string): number {
  let depth = 1;
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (open === close) {
      if (c === close) return j;
      const next = text[j + 1];
      if (open === '"' && c === '$' && (next === '(' || next === '{'))
        j = closing(text, j + 1, next, next === '(' ? ')' : '}');
    } else if (c === "'") {
      j = text.indexOf("'", j + 1);
      if (j < 0) break;
    } else if (c === '"') j = closing(text, j, '"', '"');
    else if (c === open) depth++;
    else if (c === close && --depth === 0) return j;
  }
  throw new Unevaluable(text.slice(i));
}

/** One word's value: its quotes removed and its expansions evaluated (no word splitting, no globbing). */
export function evaluateWord(word: string, scope: WordScope): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < word.length; i++) {
    const c = word[i] ?? '';
    if (c === '\\' && i + 1 < word.length) {
      out += word[++i];
    } else if (c === "'" && !quoted) {
      const end = word.indexOf("'", i + 1);
      if (end < 0) throw new Unevaluable(word);
      out += word.slice(i + 1, end);
      i = end;
    } else if (c === '"') quoted = !quoted;
    else if (c === '`') {
      const end = closing(word, i, '`', '`');
      out += substitution(word.slice(i + 1, end), scope);
      i = end;
    } else if (c === '$' && word[i + 1] === '(') {
      const end = closing(word, i + 1, '(', ')');
      out += substitution(word.slice(i + 2, end), scope);
      i = end;
    } else if (c === '$' && word[i + 1] === '{') {
      const end = closing(word, i + 1, '{', '}');
      out += parameter(word.slice(i + 2, end), scope);
      i = end;
    } else if (c === '$' && /[A-Za-z_]/.test(word[i + 1] ?? '')) {
      const name = /^[A-Za-z_]\w*/.exec(word.slice(i + 1))?.[0] ?? '';
      out += variable(name, scope);
      i += name.length;
    } else if (c === '$' && /[0-9#?*@!$-]/.test(word[i + 1] ?? ''))
      throw new Unevaluable(word.slice(i, i + 2));
    else out += c;
  }
  return out;
}

/** A command line's words, split on unquoted blanks; quotes and expansions kept for evaluateWord. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (/\s/.test(c)) {
      if (cur) words.push(cur);
      cur = '';
      continue;
    }
    let end = i;
    if (c === '\\') end = i + 1;
    else if (c === "'") end = line.indexOf("'", i + 1);
    else if (c === '"') end = closing(line, i, '"', '"');
    else if (c === '`') end = closing(line, i, '`', '`');
    else if (c === '$' && (line[i + 1] === '(' || line[i + 1] === '{'))
      end = closing(line, i + 1, line[i + 1] ?? '', line[i + 1] === '(' ? ')' : '}');
    if (end < 0) throw new Unevaluable(line.slice(i));
    cur += line.slice(i, end + 1);
    i = end;
  }
  if (cur) words.push(cur);
  return words;
}
