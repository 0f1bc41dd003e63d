// Benchmark (not a test): a 3-platform index, each platform with one
// incompressible layer, copied to a fresh registry by the action and by the
// tools users would otherwise pick, in two cases on the same machine in one run:
//
// - merge-only: from one loopback registry to another (`sources` -> `tags`);
// - build mode: from the local registry the action started (its blobs read
//   from that registry's storage): the action's merge window is timed on its
//   own process, then every other tool copies the same index from the same
//   local registry before the action's post step stops it.
//
// Tools: the action (dist/ under Node 24), `oras cp -r`, `docker buildx
// imagetools create`, `skopeo copy --all`, and the floor: every blob uploaded
// at once with monolithic curl uploads from files. Medians of BENCH_RUNS
// rounds with every run, client CPU seconds (user+sys, from GNU time) and
// peak RSS; the action's peak RSS in merge-only mode also at BENCH_SMALL_MB
// and BENCH_HUGE_MB layers. Loopback only; every command has a deadline.
//
// Merge-only runs once per link profile in BENCH_LINKS (link.ts): the target
// registry behind a user-space link (link-proxy.ts), which also counts the
// requests and connections that cross it.
//
//   flock /tmp/multiarch-action-itg.lock npx tsx bench/merge.ts
//   (BENCH_BASE_ROOT=<another checkout, built> BENCH_MODES=merge,build,rss BENCH_LINKS=loopback,20ms-1g,80ms-200m BENCH_RUNS=5 BENCH_LAYER_MB=256
//    BENCH_SMALL_MB=64 BENCH_HUGE_MB=1024 BENCH_RSS_RUNS=3)
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { curlPutArgs, makeBlob, seed, type BlobFile } from './blobs.js';
import { PROFILES, parseProfiles, type LinkProfile } from './link.js';
import { startLinkedRegistry } from './link-proxy.js';
import { actionBuild, actionMerge, measured, type Sample } from './measure.js';
import { load, median, table, type Results, type Tool } from './report.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const LAYER_MB = Number(process.env.BENCH_LAYER_MB ?? 256);
const SMALL_MB = Number(process.env.BENCH_SMALL_MB ?? 64);
const HUGE_MB = Number(process.env.BENCH_HUGE_MB ?? 1024);
const RSS_RUNS = Number(process.env.BENCH_RSS_RUNS ?? 3);
const MODES = (process.env.BENCH_MODES ?? 'merge,build,rss').split(',');
const LINKS = parseProfiles(process.env.BENCH_LINKS ?? 'loopback,20ms-1g,80ms-200m');
const PLATFORMS = ['amd64', 'arm64', 's390x'];

/** The floor: every blob at once, each one POST and one `curl -T` PUT from its file. */
async function floor(dst: TestRegistry, blobs: readonly BlobFile[]): Promise<Sample> {
  const started = performance.now();
  const samples = await Promise.all(
    blobs.map(async (b) => measured('curl', await curlPutArgs(dst, 'acme/floor', b))),
  );
  return {
    seconds: (performance.now() - started) / 1000,
    cpu: samples.reduce((n, s) => n + s.cpu, 0),
    rssMb: Math.max(...samples.map((s) => s.rssMb)),
  };
}

/** The other tools, copying `from` (host/repo:tag on plain HTTP) into `dst`. */
function others(from: string, blobs: () => BlobFile[]): [Tool, (dst: TestRegistry) => Promise<Sample>][] {
  return [
    ['floor (curl, all blobs at once)', (dst) => floor(dst, blobs())],
    [
      'oras cp -r',
      (dst) =>
        measured('oras', [
          'cp',
          '-r',
          '--from-plain-http',
          '--to-plain-http',
          from,
          `${dst.address}/acme/oras:1`,
        ]),
    ],
    [
      'imagetools create',
      (dst) =>
        measured('docker', [
          'buildx',
          'imagetools',
          'create',
          '-t',
          `${dst.address}/acme/imagetools:1`,
          from,
        ]),
    ],
    [
      'skopeo copy --all',
      (dst) =>
        measured('skopeo', [
          'copy',
          '--all',
          '--src-tls-verify=false',
          '--dest-tls-verify=false',
          ...(process.env.DOCKER_CONFIG ? ['--src-authfile', authsOnly(process.env.DOCKER_CONFIG)] : []),
          `docker://${from}`,
          `docker://${dst.address}/acme/skopeo:1`,
        ]),
    ],
  ];
}

/**
 * The run's docker config without its `credHelpers`: the run names an empty helper for the local registry
 * (docker's way to say "none"), which skopeo reads as `docker-credential-`.
 */
function authsOnly(dockerConfig: string): string {
  const { auths } = JSON.parse(readFileSync(path.join(dockerConfig, 'config.json'), 'utf8')) as {
    auths: unknown;
  };
  const file = path.join(dockerConfig, 'auths-only.json');
  writeFileSync(file, JSON.stringify({ auths }), { mode: 0o600 });
  return file;
}

async function record(
  results: Results,
  tool: Tool,
  run: (dst: TestRegistry) => Promise<Sample>,
  link: LinkProfile = PROFILES.loopback as LinkProfile,
): Promise<void> {
  const dst = await startLinkedRegistry(link);
  try {
    const s = await run(dst);
    if (dst.counts)
      s.link = {
        turns: dst.counts.turns,
        sequential: dst.counts.sequential,
        connections: dst.counts.connections,
      };
    results.set(tool, [...(results.get(tool) ?? []), s]);
    const crossed = s.link ? `, ${s.link.turns} requests (${s.link.sequential} sequential)` : '';
    console.error(
      `  ${tool}: ${s.seconds.toFixed(2)} s, ${s.cpu.toFixed(2)} s CPU, ${s.rssMb.toFixed(0)} MB${crossed}`,
    );
  } finally {
    await dst.stop();
  }
}

async function mergeRound(
  src: TestRegistry,
  blobs: BlobFile[],
  results: Results,
  link: LinkProfile,
): Promise<void> {
  const from = `${src.address}/acme/bench:1`;
  // BENCH_NODE_ARGS: flags for the action's node (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof).
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  await record(results, 'action', (dst) => actionMerge(from, `${dst.address}/acme/action:1`, nodeArgs), link);
  const base = process.env.BENCH_BASE_ROOT; // another checkout's dist/, e.g. the commit before a change
  if (base)
    await record(
      results,
      'action (base)',
      (dst) => actionMerge(from, `${dst.address}/acme/b:1`, [], base),
      link,
    );
  for (const [tool, run] of others(from, () => blobs)) {
    // skopeo (twice oras's time on loopback) is left out behind the links to keep the run short
    if (link.rttMs > 0 && tool === 'skopeo copy --all') continue;
    await record(results, tool, run, link);
  }
}

/** A context whose Dockerfile copies one LAYER_MB file per platform into scratch. */
async function buildContext(dir: string): Promise<string> {
  const ctx = path.join(dir, 'context');
  mkdirSync(ctx);
  for (const arch of PLATFORMS) await makeBlob(ctx, `blob-${arch}`, LAYER_MB);
  writeFileSync(
    path.join(ctx, 'Dockerfile'),
    'FROM scratch\nARG TARGETARCH\nCOPY blob-${TARGETARCH} /blob\n',
  );
  // A no-op Hub hook turns the early copies (blobs going up while other platforms build)
  // off, so every blob is copied inside the merge window that is measured.
  mkdirSync(path.join(ctx, 'hooks'));
  writeFileSync(path.join(ctx, 'hooks', 'post_push'), '#!/bin/sh\n:\n', { mode: 0o755 });
  return ctx;
}

/** Every blob file in a distribution storage root (layers, configs and the manifests' bytes). */
function storageBlobs(storage: string): BlobFile[] {
  const root = path.join(storage, 'docker', 'registry', 'v2', 'blobs', 'sha256');
  return readdirSync(root).flatMap((two) =>
    readdirSync(path.join(root, two)).map((hex) => {
      const file = path.join(root, two, hex, 'data');
      return { file, digest: `sha256:${hex}`, size: statSync(file).size, mediaType: '' };
    }),
  );
}

async function buildRound(ctx: string, results: Results): Promise<void> {
  const dst = await startRegistry();
  const inputs = {
    platforms: PLATFORMS.map((p) => `linux/${p}`).join(','),
    context: ctx,
    push: 'true',
    network: 'host',
  };
  let started;
  try {
    started = await actionBuild({ ...inputs, tags: `${dst.address}/acme/action:1` });
  } finally {
    await dst.stop();
  }
  const { merge, state, run } = started;
  results.set('action', [...(results.get('action') ?? []), merge]);
  console.error(
    `  action (merge window): ${merge.seconds.toFixed(2)} s, ${merge.cpu.toFixed(2)} s CPU, ${merge.rssMb.toFixed(0)} MB`,
  );
  let post: { exitCode: number; log: string } | undefined;
  try {
    const local = state.registry;
    if (!local?.storage)
      throw new Error(`the action's local registry has no storage on this machine: ${JSON.stringify(state)}`);
    const storage = local.storage;
    // The local registry lets in only the run: the other tools read it with the run's own docker config.
    const config = path.join(state.runDir ?? '', 'docker-config');
    process.env.DOCKER_CONFIG = config; // not REGISTRY_AUTH_FILE: distribution reads REGISTRY_* as its config
    for (const [tool, go] of others(`${local.address}/build:index`, () => storageBlobs(storage)))
      await record(results, tool, go);
  } finally {
    delete process.env.DOCKER_CONFIG;
    // main ran with post held back (actionBuild): post runs now, so no round leaves its local
    // registry running, its storage on disk or its images in the engine for the next one.
    post = (await run.finish({ skipPost: false })).post;
  }
  if (post.exitCode !== 0) throw new Error(`the action's post failed:\n${post.log.slice(-3000)}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-blobs-'));
  const src = await startRegistry();
  try {
    const gb = (PLATFORMS.length * LAYER_MB) / 1024;
    console.log(
      `${PLATFORMS.length} platforms x ${LAYER_MB} MB incompressible layer, ${RUNS} rounds, ${os.cpus().length} cores; load average at start ${load()}`,
    );
    if (MODES.includes('merge')) {
      console.error(`Seeding ${PLATFORMS.length} platforms x ${LAYER_MB} MB ...`);
      const blobs = await seed(src, dir, 'acme/bench', LAYER_MB, PLATFORMS);
      for (const [, link] of LINKS) {
        const results: Results = new Map();
        for (let r = 1; r <= RUNS; r++) {
          console.error(`Merge-only over ${link.name}, round ${r}/${RUNS} (load ${load()})`);
          await mergeRound(src, blobs, results, link);
        }
        const title = `Merge-only, registry -> registry over ${link.name} (load average after: ${load()})`;
        table(title, results, gb, link);
      }
    }
    if (MODES.includes('build')) {
      const ctx = await buildContext(dir);
      const results: Results = new Map();
      for (let r = 1; r <= RUNS; r++) {
        console.error(`Build-mode round ${r}/${RUNS} (load ${load()})`);
        await buildRound(ctx, results);
      }
      table(`Build mode, from the local registry's storage (load average after: ${load()})`, results, gb);
    }
    if (MODES.includes('rss')) {
      const rss: Record<number, number[]> = {};
      for (const mb of [SMALL_MB, HUGE_MB]) {
        console.error(`Seeding ${PLATFORMS.length} platforms x ${mb} MB for memory ...`);
        await seed(src, dir, `acme/rss${mb}`, mb, PLATFORMS);
        for (let r = 1; r <= RSS_RUNS; r++) {
          const dst = await startRegistry();
          try {
            const s = await actionMerge(`${src.address}/acme/rss${mb}:1`, `${dst.address}/acme/rss:1`);
            (rss[mb] ??= []).push(s.rssMb);
            console.error(`  ${mb} MB layers: ${s.seconds.toFixed(2)} s, ${s.rssMb.toFixed(0)} MB`);
          } finally {
            await dst.stop();
          }
        }
      }
      console.log(`\nAction peak RSS (merge-only, median of ${RSS_RUNS}; load after: ${load()}):\n`);
      for (const [mb, xs] of Object.entries(rss))
        console.log(
          `- ${mb} MB layers: ${median(xs).toFixed(0)} MB (${xs.map((x) => x.toFixed(0)).join(', ')})`,
        );
    }
  } finally {
    await src.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
