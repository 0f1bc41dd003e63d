// Reads the files @actions/core writes its file commands to (GITHUB_OUTPUT,
// GITHUB_STATE): `name<<DELIMITER`, the value's lines, `DELIMITER`; or the
// older `name=value`. A later entry for a name wins, as on the runner.
import { readFileSync } from 'node:fs';

export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = '', delimiter = ''] = heredoc;
      const end = lines.indexOf(delimiter, i + 1);
      if (end < 0) break;
      out[name] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

export function readFileCommands(file: string): Record<string, string> {
  return parseFileCommands(readFileSync(file, 'utf8'));
}
