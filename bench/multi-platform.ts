// Benchmark (not a test): building one Dockerfile for 4 platforms (amd64
// native; arm64, s390x, ppc64le under QEMU), each with a CPU-bound RUN step and
// a 32 MB incompressible layer, pushed to a fresh loopback registry, by
//   - the action (dist/ as the runner runs it, startup and post included),
//   - one-shot `docker buildx build --platform <all> --push` (what
//     docker/build-push-action runs; the classic store's docker driver cannot),
//   - the manual sequence: `buildx build --platform P --push` per platform,
//     one after another, then `buildx imagetools create`.
// Every round starts from an empty build cache (`docker buildx prune -af`,
// `docker builder prune -af`) and a fresh target registry, on the engine
// DOCKER_HOST points at. Medians over BENCH_RUNS rounds, once per link profile
// in BENCH_LINKS (link.ts): the target registry behind a user-space link
// (link-proxy.ts) that also counts the requests crossing it. The prototype
// (straight into the target) runs only with BENCH_PROTOTYPE=1. Take the itg lock:
//
//   flock /tmp/multiarch-action-itg.lock npx tsx bench/multi-platform.ts
//   DOCKER_HOST=unix:///var/run/docker26.sock flock /tmp/multiarch-action-itg.lock npx tsx bench/multi-platform.ts
//   (BENCH_RUNS=3 BENCH_WORK_MB=96 BENCH_LAYER_MB=32 BENCH_LINKS=loopback,20ms-1g,80ms-200m BENCH_PROTOTYPE=1
//    BENCH_TOOLS=action,one-shot BENCH_BASE_ROOT=/a/built/checkout, whose dist/ runs as "action (base)",
//    BENCH_SUMMARY=1 prints each action run's timeline, BENCH_LINK_TRACE=FILE its requests over the link)
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { errorsOf, runAction } from '../support/action-runner.js';
import { addBusybox } from '../support/contexts.js';
import { engine } from '../test/helpers/prereqs.js';
import { parseProfiles, type LinkProfile } from './link.js';
import { startLinkedRegistry } from './link-proxy.js';

const exec = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WORK_MB = Number(process.env.BENCH_WORK_MB ?? 96);
const LAYER_MB = Number(process.env.BENCH_LAYER_MB ?? 32);
const LINKS = parseProfiles(process.env.BENCH_LINKS ?? 'loopback,20ms-1g,80ms-200m');
const PROTOTYPE = process.env.BENCH_PROTOTYPE === '1';
/** Another built checkout (the version before a change): its dist/ runs as "action (base)" in every round. */
const BASE = process.env.BENCH_BASE_ROOT;
/** BENCH_TOOLS=action,one-shot: only the tools whose names start so. */
const ONLY = process.env.BENCH_TOOLS?.split(',');
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/s390x', 'linux/ppc64le'];
const DEADLINE_MS = 600_000;

function makeContext(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-multi-'));
  addBusybox(dir);
  writeFileSync(
    path.join(dir, 'Dockerfile'),
    [
      'FROM scratch',
      'ARG TARGETARCH',
      'COPY busybox/${TARGETARCH} /bin/busybox',
      'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
      `RUN dd if=/dev/zero bs=1M count=${WORK_MB} 2>/dev/null | sha256sum > /work.sha256`,
      `RUN head -c ${LAYER_MB * 1024 * 1024} /dev/urandom > /blob`,
      '',
    ].join('\n'),
  );
  return dir;
}

const docker = (args: string[]) => exec('docker', args, { timeout: DEADLINE_MS, maxBuffer: 64 << 20 });

async function freshCache(): Promise<void> {
  await docker(['buildx', 'prune', '-af']);
  await docker(['builder', 'prune', '-af']);
}

/** The engine's copies of what a round pushed (the containerd store keeps them): a later round must not reuse them. */
async function removeImages(address: string): Promise<void> {
  // By ID: an image pushed by digest has no tag to name it by.
  const { stdout } = await docker(['image', 'ls', '--all', '--format', '{{.Repository}} {{.ID}}']);
  const ours = stdout
    .split('\n')
    .filter((r) => r.startsWith(`${address}/`))
    .map((r) => r.split(' ')[1] ?? '');
  if (ours.length > 0) await docker(['image', 'rm', '--force', ...new Set(ours)]);
}

const buildArgs = (platform: string, ref: string, ctx: string) => [
  'buildx',
  'build',
  '--platform',
  platform,
  '--tag',
  ref,
  '--push',
  '--provenance=false',
  '--network',
  'host',
  ctx,
];

type Tool =
  | 'action'
  | 'action (base)'
  | 'one-shot buildx --platform all --push'
  | 'manual: per platform, then imagetools'
  | 'prototype: one build pushed to the target under a scratch tag, then the index';

/** The action's dist/ of `root` (this checkout, or BENCH_BASE_ROOT's: the version before a change). */
async function runDist(address: string, ctx: string, repo: string, root?: string): Promise<void> {
  const run = await runAction(
    {
      platforms: PLATFORMS.join(','),
      context: ctx,
      tags: `${address}/bench/${repo}:1`,
      push: 'true',
      network: 'host',
      // Plain HTTP said up front (the engine takes 127.0.0.0/8 as insecure by itself): no HTTPS probe.
      'insecure-registries': address,
    },
    { root },
  );
  if (run.main.exitCode !== 0) throw new Error(`action failed: ${errorsOf(run.main)}`);
  // BENCH_SUMMARY=1: the run's timeline (its job summary's gantt chart), where its time went.
  if (process.env.BENCH_SUMMARY === '1')
    console.error(/```mermaid\n([\s\S]*?)```/.exec(run.summary)?.[1] ?? '');
}

const TOOLS: Record<Tool, (address: string, ctx: string) => Promise<void>> = {
  action: (address, ctx) => runDist(address, ctx, 'action'),
  'action (base)': (address, ctx) => runDist(address, ctx, 'base', BASE),
  'one-shot buildx --platform all --push': async (address, ctx) => {
    await docker(buildArgs(PLATFORMS.join(','), `${address}/bench/oneshot:1`, ctx));
  },
  // The alternative to a local registry, measured for the note: the engine pushes every platform's image
  // straight into the target and the tag goes on its index afterwards. The docker driver cannot push by
  // digest ("push-by-digest is currently not implemented for docker driver"), so the build needs a tag of
  // its own there, visible to every client: all or nothing is lost, with what else the local registry is
  // for (a smoke test before any manifest reaches a target; the action's own client: CA, insecure
  // registries, retries, several targets from one read).
  'prototype: one build pushed to the target under a scratch tag, then the index': async (address, ctx) => {
    const metadata = path.join(ctx, 'proto-metadata.json');
    const name = `${address}/bench/proto`;
    await docker([
      'buildx',
      'build',
      '--platform',
      PLATFORMS.join(','),
      '--output',
      `type=image,name=${name}:scratch,push=true,unpack=false`,
      '--metadata-file',
      metadata,
      '--provenance=false',
      '--network',
      'host',
      ctx,
    ]);
    const digest = (JSON.parse(readFileSync(metadata, 'utf8')) as Record<string, string>)[
      'containerimage.digest'
    ];
    await docker(['buildx', 'imagetools', 'create', '--tag', `${name}:1`, `${name}@${digest}`]);
  },
  'manual: per platform, then imagetools': async (address, ctx) => {
    const refs = PLATFORMS.map((p) => `${address}/bench/manual:${p.replace('/', '-')}`);
    for (const [i, p] of PLATFORMS.entries()) await docker(buildArgs(p, refs[i] ?? '', ctx));
    await docker(['buildx', 'imagetools', 'create', '--tag', `${address}/bench/manual:1`, ...refs]);
  },
};

/** One retry: the loopback registry under a 2-core machine's load sometimes answers a HEAD with 500. */
async function timeToolOnce(tool: Tool, ctx: string, link: LinkProfile): Promise<Timed> {
  try {
    return await timeTool(tool, ctx, link);
  } catch (err) {
    console.error(`${tool} failed, run again: ${String(err).split('\n').slice(-3).join(' ')}`);
    return timeTool(tool, ctx, link);
  }
}

interface Timed {
  seconds: number;
  /** Requests, sequential ones, connections that crossed the link: '' on loopback. */
  crossed: string;
}

async function timeTool(tool: Tool, ctx: string, link: LinkProfile): Promise<Timed> {
  await freshCache();
  const target = await startLinkedRegistry(link);
  try {
    const start = process.hrtime.bigint();
    await TOOLS[tool](target.address, ctx);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const c = target.counts;
    return { seconds, crossed: c ? `${c.turns} / ${c.sequential} / ${c.connections}` : '' };
  } finally {
    await removeImages(target.address).catch(() => undefined);
    await target.stop();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const { version, containerdStore } = engine();
  const tools = (Object.keys(TOOLS) as Tool[]).filter(
    (t) =>
      (containerdStore || !/^(one-shot|prototype)/.test(t)) && // the classic store's docker driver refuses several platforms
      (PROTOTYPE || !t.startsWith('prototype')) &&
      (BASE !== undefined || t !== 'action (base)') &&
      (!ONLY || ONLY.some((o) => t.startsWith(o))),
  );
  const ctx = makeContext();
  try {
    // Warm-up, not counted: registers the QEMU emulators every tool needs, loads dist/ once.
    await timeTool('action', ctx, LINKS[0]?.[1] as LinkProfile);
    for (const [, link] of LINKS) {
      const times = new Map<Tool, Timed[]>(tools.map((t) => [t, []]));
      for (let r = 0; r < RUNS; r++) {
        for (const tool of tools) {
          const s = await timeToolOnce(tool, ctx, link);
          times.get(tool)?.push(s);
          console.error(
            `${link.name} round ${r + 1} ${tool}: ${s.seconds.toFixed(2)} s ${s.crossed} (load ${os.loadavg()[0]?.toFixed(2)})`,
          );
        }
      }
      report(times, link, `Docker ${version} (${containerdStore ? 'containerd' : 'classic'} image store)`);
    }
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

function report(times: Map<Tool, Timed[]>, link: LinkProfile, engineName: string): void {
  const action = median(times.get('action')?.map((t) => t.seconds) ?? []);
  console.log(`\n${engineName}, target over ${link.name}, ${RUNS} rounds (load ${os.loadavg().join(', ')})`);
  console.log(`${PLATFORMS.join(', ')}; RUN sha256sum over ${WORK_MB} MB, ${LAYER_MB} MB random layer\n`);
  console.log('| Tool | Median (s) | Runs (s) | action / tool | Requests / sequential / connections |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [tool, xs] of times) {
    const m = median(xs.map((x) => x.seconds));
    const runs = xs.map((x) => x.seconds.toFixed(2)).join(', ');
    const c = [...xs].sort((a, b) => a.seconds - b.seconds)[Math.floor(xs.length / 2)]?.crossed || '–'; // the median run's
    console.log(`| ${tool} | ${m.toFixed(2)} | ${runs} | ${(action / m).toFixed(2)}x | ${c} |`);
  }
}

await main();
