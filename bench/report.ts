// The benchmarks' tables: medians of a tool's samples, the ratios to the floor,
// to oras and to the wire time of the link, and what crossed the link.
import * as os from 'node:os';
import { wireSeconds, type LinkProfile } from './link.js';
import type { Sample } from './measure.js';

export type Tool =
  | 'action'
  | 'action (base)'
  | 'oras cp -r'
  | 'imagetools create'
  | 'skopeo copy --all'
  | 'floor (curl, all blobs at once)';
export type Results = Map<Tool, Sample[]>;

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const f2 = (x: number) => x.toFixed(2);

export function load(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
}

/** Requests that crossed the link, sequential ones and connections (medians), or '–' on loopback. */
function crossed(xs: Sample[]): string {
  const links = xs.flatMap((x) => (x.link ? [x.link] : []));
  if (links.length === 0) return '–';
  const m = (k: 'turns' | 'sequential' | 'connections') => median(links.map((l) => l[k]));
  return `${m('turns')} / ${m('sequential')} / ${m('connections')}`;
}

/** One markdown table; `gb` the gigabytes every tool copies. */
export function table(title: string, results: Results, gb: number, link?: LinkProfile): void {
  const m = (t: Tool, k: 'seconds' | 'cpu' | 'rssMb') => median((results.get(t) ?? []).map((s) => s[k]));
  const fl = m('floor (curl, all blobs at once)', 'seconds');
  const oras = m('oras cp -r', 'seconds');
  const wire = wireSeconds(gb * 1024 ** 3, link?.bitsPerSecond ?? 0);
  console.log(`\n**${title}**${wire > 0 ? ` (the bytes alone take ${f2(wire)} s on this link)` : ''}\n`);
  console.log(
    '| Tool | Median (s) | Runs (s) | vs floor | vs oras | vs wire | CPU (s) | CPU s/GB | Peak RSS (MB) | Requests / sequential / connections |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [tool, xs] of results) {
    const s = m(tool, 'seconds');
    const cpu = m(tool, 'cpu');
    const runs = xs.map((x) => f2(x.seconds)).join(', ');
    const vsWire = wire > 0 ? `${f2(s / wire)}x` : '–';
    console.log(
      `| ${tool} | ${f2(s)} | ${runs} | ${f2(s / fl)}x | ${f2(s / oras)}x | ${vsWire} | ${f2(cpu)} | ${f2(cpu / gb)} | ${m(tool, 'rssMb').toFixed(0)} | ${crossed(xs)} |`,
    );
  }
}
