// Where a run's time went: phases recorded where they happen (set-up, each
// platform's build and copy, the index push), rendered by summary.ts as a
// Mermaid gantt chart, so a user sees which platform made them wait.

export interface Phase {
  /** The chart's section: Set-up, Builds, Copies, Index. */
  section: string;
  label: string;
  /** Milliseconds since the epoch. */
  start: number;
  end: number;
  /** Drawn as the critical path (the emulated builds, the slowest copy). */
  crit?: boolean;
}

export class Timeline {
  readonly phases: Phase[] = [];

  add(phase: Phase): void {
    this.phases.push(phase);
  }

  /** Runs fn and records it as a phase, also when it fails (the chart of a failed run still shows it). */
  async time<T>(section: string, label: string, fn: () => Promise<T>): Promise<T> {
    const start = Date.now();
    try {
      return await fn();
    } finally {
      this.add({ section, label, start, end: Date.now() });
    }
  }
}

/** Mermaid takes `:` and `#` and `;` as syntax in a task name. */
function taskName(label: string): string {
  return label.replace(/[:#;]/g, ' ').trim();
}

const seconds = (p: Phase) => `${((p.end - p.start) / 1000).toFixed(1)} s`;

/**
 * The gantt chart (pure): sections in first-seen order, each task labelled
 * with its duration, times relative to the first phase (`dateFormat x`: ms).
 */
export function renderGantt(phases: readonly Phase[]): string {
  if (phases.length === 0) return '';
  const origin = Math.min(...phases.map((p) => p.start));
  const sections = [...new Set(phases.map((p) => p.section))];
  const lines = ['gantt', '  dateFormat x', '  axisFormat %M:%S'];
  let n = 0;
  for (const section of sections) {
    lines.push(`  section ${taskName(section)}`);
    for (const p of phases.filter((q) => q.section === section)) {
      const tags = [...(p.crit ? ['crit'] : []), `t${n++}`].join(', ');
      // At least 1 ms: mermaid drops a task whose end is its start.
      const end = Math.max(p.end - origin, p.start - origin + 1);
      lines.push(`  ${taskName(`${p.label} (${seconds(p)})`)} :${tags}, ${p.start - origin}, ${end}`);
    }
  }
  return lines.join('\n');
}
