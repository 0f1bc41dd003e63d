// Logs for a terminal: the workflow commands @actions/core writes to stdout
// (`::group::`, `::add-mask::`, `::debug::`, `::warning::` …) become plain
// lines, masked values are hidden in everything printed after, and all logs go
// to stderr, so stdout carries only the JSON of the outputs.
export interface TerminalState {
  verbose: boolean;
  masks: string[];
}

/** Workflow command data as @actions/core escapes it: %25, %0D, %0A. */
function unescape(data: string): string {
  return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

const LEVELS: Record<string, string> = { warning: 'warning: ', error: 'error: ', notice: 'notice: ' };

/** One line of output as the terminal shows it, or undefined to drop it. */
export function translateLine(line: string, state: TerminalState): string | undefined {
  const m = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line);
  if (!m) return line;
  const [, command = '', data = ''] = m;
  const text = unescape(data);
  if (command === 'group') return `== ${text}`;
  if (command === 'endgroup') return undefined;
  if (command === 'add-mask') {
    if (text !== '') state.masks.push(text);
    return undefined;
  }
  if (command === 'debug') return state.verbose ? `debug: ${text}` : undefined;
  const level = LEVELS[command];
  return level === undefined ? line : level + text;
}

export function mask(text: string, masks: readonly string[]): string {
  return masks.reduce((t, m) => t.split(m).join('***'), text);
}

/** A chunk of output as the terminal shows it: each line translated, then masked. */
export function translateChunk(chunk: string, state: TerminalState): string {
  const lines = chunk.split('\n');
  const shown = lines.map((l) => translateLine(l, state));
  const kept = shown.filter((l, i) => l !== undefined || i === lines.length - 1);
  return mask(kept.map((l) => l ?? '').join('\n'), state.masks);
}

type Write = typeof process.stdout.write;

/**
 * Sends everything written to stdout and stderr through translateChunk to
 * stderr; returns the one way left to write to stdout (the outputs' JSON).
 */
export function takeOverOutput(verbose: boolean): (text: string) => void {
  const state: TerminalState = { verbose, masks: [] };
  const toStdout = process.stdout.write.bind(process.stdout);
  const toStderr = process.stderr.write.bind(process.stderr);
  const through = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const done = rest.find((r): r is (err?: Error | null) => void => typeof r === 'function');
    return toStderr(translateChunk(text, state), done);
  }) as Write;
  process.stdout.write = through;
  process.stderr.write = through;
  return (text) => void toStdout(mask(text, state.masks));
}
