// Benchmark (not a test): one 3-platform index copied to two target registries at once, merge-only,
// in one run on the same machine: the action (both tags in one step, each blob read from the source
// once for both), `oras cp -r` twice side by side, `docker buildx imagetools create` with both tags,
// and the floor (every blob uploaded to both at once from its file with curl). Medians of BENCH_RUNS
// rounds, fresh targets every round, client CPU (user+sys, all processes of a tool) and peak RSS (the
// largest one process). Loopback only; every command has a deadline.
//
//   flock /tmp/multiarch-action-itg.lock npx tsx bench/fan-out.ts
//   (BENCH_RUNS=3 BENCH_LAYER_MB=256)
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { curlPutArgs, seed, type BlobFile } from './blobs.js';
import { actionMerge, measured, type Sample } from './measure.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LAYER_MB = Number(process.env.BENCH_LAYER_MB ?? 256);
const PLATFORMS = ['amd64', 'arm64', 's390x'];

/** Several processes at once, as one: the wall time of all, their CPU summed, the largest RSS. */
async function together(runs: Promise<Sample>[]): Promise<Sample> {
  const started = performance.now();
  const samples = await Promise.all(runs);
  return {
    seconds: (performance.now() - started) / 1000,
    cpu: samples.reduce((n, s) => n + s.cpu, 0),
    rssMb: Math.max(...samples.map((s) => s.rssMb)),
  };
}

type Tool = (from: string, to: readonly TestRegistry[], blobs: readonly BlobFile[]) => Promise<Sample>;

const TOOLS: [string, Tool][] = [
  ['action', (from, to) => actionMerge(from, to.map((t) => `${t.address}/acme/action:1`).join(','))],
  [
    'oras cp -r, one per target, side by side',
    (from, to) =>
      together(
        to.map((t) =>
          measured('oras', [
            'cp',
            '-r',
            '--from-plain-http',
            '--to-plain-http',
            from,
            `${t.address}/acme/oras:1`,
          ]),
        ),
      ),
  ],
  [
    'imagetools create, both tags',
    (from, to) =>
      measured('docker', [
        'buildx',
        'imagetools',
        'create',
        ...to.flatMap((t) => ['-t', `${t.address}/acme/imagetools:1`]),
        from,
      ]),
  ],
  [
    'floor (curl, all blobs to both at once)',
    (_from, to, blobs) =>
      together(
        to.flatMap((t) => blobs.map(async (b) => measured('curl', await curlPutArgs(t, 'acme/floor', b)))),
      ),
  ],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const f2 = (x: number) => x.toFixed(2);
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');

async function round(
  from: string,
  blobs: readonly BlobFile[],
  results: Map<string, Sample[]>,
): Promise<void> {
  for (const [name, tool] of TOOLS) {
    const to = [await startRegistry(), await startRegistry()];
    try {
      const s = await tool(from, to, blobs);
      results.set(name, [...(results.get(name) ?? []), s]);
      console.error(`  ${name}: ${f2(s.seconds)} s, ${f2(s.cpu)} s CPU, ${s.rssMb.toFixed(0)} MB`);
    } finally {
      for (const t of to) await t.stop();
    }
  }
}

function table(results: Map<string, Sample[]>, gb: number): void {
  const m = (t: string, k: 'seconds' | 'cpu' | 'rssMb') => median((results.get(t) ?? []).map((s) => s[k]));
  const floor = m(TOOLS[3]?.[0] ?? '', 'seconds');
  const oras = m(TOOLS[1]?.[0] ?? '', 'seconds');
  console.log(`\n**Two targets at once, registry -> 2 registries (load average after: ${load()})**\n`);
  console.log(
    '| Tool | Median (s) | Runs (s) | vs floor | vs oras | CPU (s) | CPU s/GB sent | Peak RSS (MB) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [tool, xs] of results) {
    const s = m(tool, 'seconds');
    const runs = xs.map((x) => f2(x.seconds)).join(', ');
    console.log(
      `| ${tool} | ${f2(s)} | ${runs} | ${f2(s / floor)}x | ${f2(s / oras)}x | ${f2(m(tool, 'cpu'))} | ${f2(m(tool, 'cpu') / gb)} | ${m(tool, 'rssMb').toFixed(0)} |`,
    );
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-fan-out-'));
  const src = await startRegistry();
  try {
    console.log(
      `${PLATFORMS.length} platforms x ${LAYER_MB} MB incompressible layer to 2 targets, ${RUNS} rounds, ${os.cpus().length} cores; load average at start ${load()}`,
    );
    const blobs = await seed(src, dir, 'acme/bench', LAYER_MB, PLATFORMS);
    const results = new Map<string, Sample[]>();
    for (let r = 1; r <= RUNS; r++) {
      console.error(`Round ${r}/${RUNS} (load ${load()})`);
      await round(`${src.address}/acme/bench:1`, blobs, results);
    }
    table(results, (2 * PLATFORMS.length * LAYER_MB) / 1024);
  } finally {
    await src.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
