// GitHub Actions expressions (`${{ ... }}`) evaluated as the runner does, so an
// example's step gets the values its workflow computes for the simulated event:
// literals, context paths (`a.b`, `a['b']`, `a[0]`), `!`, `==`/`!=` (strings
// compared case-insensitively), `&&`/`||` (yielding an operand, not a bool),
// parentheses, and the functions examples use. A path the test's contexts do
// not hold fails loudly rather than becoming ''.
// (@actions/expressions, the runner team's own evaluator, would replace this
// file once it is a dev dependency.)

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
export type Contexts = Record<string, Value>;

const TOKEN =
  /\s*(?:(\d+(?:\.\d+)?)|'((?:[^']|'')*)'|([A-Za-z_][\w-]*)|(==|!=|<=|>=|&&|\|\||[!<>()[\].,*]))/y;

type Token = { kind: 'num' | 'str' | 'name' | 'op'; text: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.trimEnd().length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(src);
    if (!m) throw new Error(`cannot read expression '${src}' at ${at}`);
    if (m[1] !== undefined) out.push({ kind: 'num', text: m[1] });
    else if (m[2] !== undefined) out.push({ kind: 'str', text: m[2].replace(/''/g, "'") });
    else if (m[3] !== undefined) out.push({ kind: 'name', text: m[3] });
    else out.push({ kind: 'op', text: m[4] ?? '' });
  }
  return out;
}

export function truthy(v: Value): boolean {
  return !(v === null || v === false || v === 0 || v === '' || (typeof v === 'number' && Number.isNaN(v)));
}

/** How a value is written into a string (`${{ }}` inside text, format()). */
export function toText(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v, null, 2);
  return String(v);
}

function toNumber(v: Value): number {
  if (v === null || v === false) return 0;
  if (v === true) return 1;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim() === '' ? 0 : Number(v);
  return NaN;
}

function equal(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === 'object' || typeof b === 'object') return a === b;
  return toNumber(a) === toNumber(b);
}

const FUNCTIONS: Record<string, (...args: Value[]) => Value> = {
  contains: (hay, needle) =>
    Array.isArray(hay)
      ? hay.some((x) => equal(x, needle))
      : toText(hay).toLowerCase().includes(toText(needle).toLowerCase()),
  startsWith: (s, p) => toText(s).toLowerCase().startsWith(toText(p).toLowerCase()),
  endsWith: (s, p) => toText(s).toLowerCase().endsWith(toText(p).toLowerCase()),
  format: (f, ...args) => toText(f).replace(/\{(\d+)\}/g, (_m, i: string) => toText(args[Number(i)] ?? null)),
  join: (a, sep = ',') => (Array.isArray(a) ? a.map(toText).join(toText(sep)) : toText(a)),
  toJSON: (v) => JSON.stringify(v, null, 2),
  fromJSON: (s) => JSON.parse(toText(s)) as Value,
};

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly contexts: Contexts,
    private readonly source: string,
  ) {}

  parse(): Value {
    const v = this.or();
    if (this.i < this.tokens.length) throw new Error(`unexpected '${this.peek()}' in '${this.source}'`);
    return v;
  }
  private peek(): string | undefined {
    return this.tokens[this.i]?.text;
  }
  private take(op: string): boolean {
    if (this.tokens[this.i]?.kind !== 'op' || this.peek() !== op) return false;
    this.i++;
    return true;
  }
  private expect(op: string): void {
    if (!this.take(op)) throw new Error(`expected '${op}' in '${this.source}'`);
  }
  private or(): Value {
    let left = this.and();
    while (this.take('||')) {
      const right = this.and();
      left = truthy(left) ? left : right;
    }
    return left;
  }
  private and(): Value {
    let left = this.compare();
    while (this.take('&&')) {
      const right = this.compare();
      left = truthy(left) ? right : left;
    }
    return left;
  }
  private compare(): Value {
    let left = this.unary();
    for (;;) {
      if (this.take('==')) left = equal(left, this.unary());
      else if (this.take('!=')) left = !equal(left, this.unary());
      else return left;
    }
  }
  private unary(): Value {
    if (this.take('!')) return !truthy(this.unary());
    return this.primary();
  }
  private primary(): Value {
    const t = this.tokens[this.i++];
    if (!t) throw new Error(`'${this.source}' ends early`);
    if (t.kind === 'num') return Number(t.text);
    if (t.kind === 'str') return t.text;
    if (t.kind === 'op' && t.text === '(') {
      const v = this.or();
      this.expect(')');
      return v;
    }
    if (t.kind !== 'name') throw new Error(`unexpected '${t.text}' in '${this.source}'`);
    if (t.text === 'true' || t.text === 'false') return t.text === 'true';
    if (t.text === 'null') return null;
    if (this.take('(')) return this.members(this.call(t.text), `${t.text}()`);
    if (!(t.text in this.contexts))
      throw new Error(`'${this.source}' reads context '${t.text}', which the test does not provide`);
    return this.members(this.contexts[t.text] ?? null, t.text);
  }
  private call(name: string): Value {
    const fn = FUNCTIONS[name];
    if (!fn) throw new Error(`function ${name}() in '${this.source}' is not one the harness evaluates`);
    const args: Value[] = [];
    if (!this.take(')')) {
      do args.push(this.or());
      while (this.take(','));
      this.expect(')');
    }
    return fn(...args);
  }
  /** `.key`, `['key']` and `[0]` after a context name or a call. */
  private members(start: Value, root: string): Value {
    let v = start;
    let where = root;
    for (;;) {
      let key: string | number;
      if (this.take('.')) key = this.tokens[this.i++]?.text ?? '';
      else if (this.take('[')) {
        const k = this.or();
        this.expect(']');
        key = typeof k === 'number' ? k : toText(k);
      } else return v;
      where += `.${key}`;
      const next = v !== null && typeof v === 'object' ? (v as Record<string, Value>)[key] : undefined;
      if (next === undefined)
        throw new Error(`'${this.source}' reads ${where}, which the test does not provide`);
      v = next;
    }
  }
}

/** One expression (the text between `${{` and `}}`) evaluated against the contexts. */
export function evaluate(expression: string, contexts: Contexts): Value {
  return new Parser(tokenize(expression), contexts, expression.trim()).parse();
}

/** A workflow value with every `${{ ... }}` replaced by its value's text, as the runner fills `with:` and `run:`. */
export function interpolate(text: string, contexts: Contexts): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_m, expr: string) => toText(evaluate(expr, contexts)));
}
