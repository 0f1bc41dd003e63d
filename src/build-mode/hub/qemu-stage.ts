// Dockerfile lines that only bring a QEMU interpreter into the image: a
// `FROM multiarch/qemu-user-static` stage copied from, or qemu-*-static files
// copied or added. With the F flag the kernel keeps the interpreter open, so
// they are not needed (pure).

const STAGE =
  /^FROM\s+(--platform=\S+\s+)?(docker\.io\/)?multiarch\/qemu-user-static\S*(\s+AS\s+(\S+))?\s*$/i;
const FROM = /^FROM\s/i;
const INTERPRETER = /(^|\/)qemu-([a-z0-9_]+-static\*?|\*)$/;
const COPY = /^(COPY|ADD)\s+(.*)$/i;

export interface QemuLines {
  /** The Dockerfile without them. */
  text: string;
  /** The lines left out, as written. */
  removed: string[];
}

/** A COPY/ADD whose sources are all QEMU interpreters, from a qemu stage, the image, the context or a URL. */
function isInterpreterCopy(line: string, stages: ReadonlySet<string>): boolean {
  const m = COPY.exec(line);
  if (!m) return false;
  const words = (m[2] ?? '').split(/\s+/);
  const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
  const sources = words.filter((w) => !w.startsWith('--')).slice(0, -1);
  const fromQemu =
    from === undefined || stages.has(from.toLowerCase()) || /multiarch\/qemu-user-static/.test(from);
  return fromQemu && sources.length > 0 && sources.every((s) => INTERPRETER.test(s));
}

/** Names of stages that are only `FROM multiarch/qemu-user-static... AS name`, with no instruction. */
function qemuStages(lines: readonly string[]): Map<string, number> {
  const stages = new Map<string, number>();
  lines.forEach((line, i) => {
    const m = STAGE.exec(line.trim());
    if (!m) return;
    const next = lines.slice(i + 1).find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    if (next === undefined || FROM.test(next.trim())) stages.set((m[4] ?? String(i)).toLowerCase(), i);
  });
  return stages;
}

export function stripQemuLines(dockerfile: string): QemuLines {
  const lines = dockerfile.split('\n');
  const stages = qemuStages(lines);
  const names = new Set(stages.keys());
  const drop = new Set<number>();
  lines.forEach((l, i) => {
    if (isInterpreterCopy(l.trim(), names)) drop.add(i);
  });
  const usedElsewhere = (name: string) =>
    lines.some((l, i) => !drop.has(i) && new RegExp(`--from=${name}(\\s|$)`, 'i').test(l));
  for (const [name, at] of stages) if (!usedElsewhere(name)) drop.add(at);
  return {
    text: lines.filter((_l, i) => !drop.has(i)).join('\n'),
    removed: lines.filter((_l, i) => drop.has(i)).map((l) => l.trim()),
  };
}
