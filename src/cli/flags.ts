// Command-line flags named exactly as action.yml's inputs: `--name value`,
// `--name=value`, a bare boolean flag means true, a repeated flag joins its
// values as the lines of a multi-line input. Pure: argv and specs in, values out.
import type { InputSpec } from './action-yml.js';

export class FlagError extends Error {}

export interface Flags {
  /** Only the inputs given; the caller adds action.yml's defaults. */
  values: Record<string, string>;
  help: boolean;
  verbose: boolean;
}

const OWN_FLAGS = ['help', 'verbose'];

/** An input whose default is true or false: given bare, it means true. */
function isBoolean(spec: InputSpec): boolean {
  return spec.default === 'true' || spec.default === 'false';
}

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(
        (row[j] ?? 0) + 1,
        (next[j - 1] ?? 0) + 1,
        (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    row = next;
  }
  return row[b.length] ?? 0;
}

/** The valid flag closest to `name` (edit distance). */
export function closestFlag(name: string, valid: readonly string[]): string {
  return [...valid].sort((x, y) => distance(name, x) - distance(name, y))[0] ?? '';
}

function unknown(name: string, specs: readonly InputSpec[]): FlagError {
  const closest = closestFlag(name, [...specs.map((s) => s.name), ...OWN_FLAGS]);
  return new FlagError(
    `Unknown flag '--${name}': no input of that name. Did you mean '--${closest}'? See --help.`,
  );
}

interface Token {
  name: string;
  inline?: string;
}

function splitFlag(arg: string): Token {
  if (!arg.startsWith('--') || arg === '--')
    throw new FlagError(
      `Unexpected argument '${arg}': every value follows a flag (--name value or --name=value).`,
    );
  const eq = arg.indexOf('=');
  return eq < 0 ? { name: arg.slice(2) } : { name: arg.slice(2, eq), inline: arg.slice(eq + 1) };
}

/** The flag's value and how many arguments it used. */
function valueOf(token: Token, spec: InputSpec, next: string | undefined): [string, number] {
  if (token.inline !== undefined) return [token.inline, 1];
  if (next === undefined || next.startsWith('--')) {
    if (isBoolean(spec)) return ['true', 1];
    throw new FlagError(`Flag '--${spec.name}' needs a value: --${spec.name} VALUE or --${spec.name}=VALUE.`);
  }
  return [next, 2];
}

export function parseFlags(argv: readonly string[], specs: readonly InputSpec[]): Flags {
  const flags: Flags = { values: {}, help: false, verbose: false };
  const byName = new Map(specs.map((s) => [s.name, s]));
  for (let i = 0; i < argv.length;) {
    const token = splitFlag(argv[i] ?? '');
    if (token.name === 'help' || token.name === 'verbose') {
      if (token.inline !== undefined) throw new FlagError(`Flag '--${token.name}' takes no value.`);
      flags[token.name] = true;
      i += 1;
      continue;
    }
    const spec = byName.get(token.name);
    if (!spec) throw unknown(token.name, specs);
    const [value, used] = valueOf(token, spec, argv[i + 1]);
    const before = flags.values[spec.name];
    if (before !== undefined && isBoolean(spec))
      throw new FlagError(`Flag '--${spec.name}' is given twice ('${before}', '${value}'): give it once.`);
    flags.values[spec.name] = before === undefined ? value : `${before}\n${value}`;
    i += used;
  }
  return flags;
}

/** Every input: the flag's value, else action.yml's default. */
export function withDefaults(
  values: Record<string, string>,
  specs: readonly InputSpec[],
): Record<string, string> {
  return Object.fromEntries(specs.map((s) => [s.name, values[s.name] ?? s.default]));
}
