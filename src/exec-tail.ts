// Picks the lines of a failed command's output that explain the failure.

const MEANINGFUL =
  /error|fail|denied|unauthori[sz]ed|forbidden|not found|no such|invalid|exec format|cannot|unable/i;
const MAX_LINES = 8;
const MAX_CHARS = 1500;

/** The last lines that say error/failed/denied…, else the last lines at all; capped. */
export function meaningfulTail(output: string): string {
  const lines = output
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
  const meaningful = lines.filter((l) => MEANINGFUL.test(l));
  const picked = (meaningful.length > 0 ? meaningful : lines).slice(-MAX_LINES).join('\n');
  return picked.length > MAX_CHARS ? `…${picked.slice(picked.length - MAX_CHARS)}` : picked;
}

/** The one line that says why, for one-line errors: the last meaningful line, without "#1 ERROR:"-style prefixes. */
export function lastMeaningfulLine(output: string): string {
  const last = meaningfulTail(output).split('\n').pop() ?? '';
  return last
    .replace(/^#\d+\s+/, '')
    .replace(/^(ERROR|docker):\s*/i, '')
    .replace(/\.$/, '')
    .trim();
}
