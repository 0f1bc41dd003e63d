// `--help`: every flag with its default and description from action.yml.
import type { InputSpec } from './action-yml.js';

const USAGE = `Usage: multiarch-build [--INPUT VALUE | --INPUT=VALUE | --BOOLEAN-INPUT]... [--verbose]

Builds one Dockerfile for several platforms and, with --push, pushes one image
index, all or nothing: the same pipeline as the GitHub Action, with its inputs
as flags. A repeated flag gives a multi-line input one line per use. Logs go to
stderr; the outputs are printed on stdout as one JSON object.
Exit codes: 0 success, 1 the build or push failed, 2 bad flags.`;

function wrap(text: string, indent: string, width = 80): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

export function helpText(specs: readonly InputSpec[]): string {
  const flags = specs.map((s) => {
    const head = `  --${s.name}${s.default === '' ? '' : ` (default: ${s.default})`}`;
    return `${head}\n${wrap(s.description, '      ')}`;
  });
  const own = ['  --verbose\n      Also print debug lines.', '  --help\n      Print this help.'];
  return `${USAGE}\n\nFlags (the action's inputs):\n${[...flags, ...own].join('\n')}\n`;
}
