// Benchmark (not a test): merge a 3-platform index, each platform with one
// incompressible layer, from one local registry into a fresh one, with the
// action (dist/, merge-only mode), `oras cp -r`, `docker buildx imagetools
// create`, `skopeo copy --all`, and the floor: every blob uploaded at once
// with plain monolithic curl uploads. Medians over BENCH_RUNS rounds, ratios,
// and the action's peak RSS (VmHWM polled from /proc), also for a smaller
// layer to show memory does not grow with blob size. Loopback only; every
// command has a deadline, so the benchmark always stops by itself.
//
//   npx tsx bench/merge.ts            (BENCH_RUNS=3 BENCH_LAYER_MB=256 BENCH_SMALL_MB=64)
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { actionDefaults, node24, ROOT } from '../support/action-runner.js';
import { pushManifest, sha256, OCI_INDEX, OCI_MANIFEST } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { configBlob, curlUpload, DEADLINE_MS, makeBlob, type BlobFile } from './blobs.js';

const exec = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LAYER_MB = Number(process.env.BENCH_LAYER_MB ?? 256);
const SMALL_MB = Number(process.env.BENCH_SMALL_MB ?? 64);
const PLATFORMS = ['amd64', 'arm64', 's390x'];

async function seed(registry: TestRegistry, dir: string, repo: string, mb: number): Promise<BlobFile[]> {
  const blobs: BlobFile[] = [];
  const manifests = [];
  for (const arch of PLATFORMS) {
    const c = configBlob(dir, `${repo.replace('/', '-')}-${arch}.json`, arch);
    const l = await makeBlob(dir, `${repo.replace('/', '-')}-${arch}.bin`, mb);
    await Promise.all([c, l].map((b) => curlUpload(registry, repo, b)));
    blobs.push(c, l);
    const strip = ({ mediaType, digest, size }: BlobFile) => ({ mediaType, digest, size });
    const m = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: strip(c), layers: [strip(l)] };
    const pushed = await pushManifest(
      { url: registry.url },
      repo,
      sha256(Buffer.from(JSON.stringify(m))),
      OCI_MANIFEST,
      m,
    );
    manifests.push({ ...pushed, platform: { os: 'linux', architecture: arch } });
  }
  await pushManifest({ url: registry.url }, repo, '1', OCI_INDEX, {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests,
  });
  return blobs;
}

/** Runs dist/ in merge-only mode as the runner would; peak RSS from VmHWM, polled. */
async function runAction(source: string, tag: string): Promise<{ seconds: number; rssMb: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-action-'));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, RUNNER_TEMP: dir };
  for (const [k, v] of Object.entries({ ...actionDefaults(), sources: source, tags: tag, push: 'true' }))
    env[`INPUT_${k.toUpperCase()}`] = v;
  for (const f of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY']) {
    env[f] = path.join(dir, f);
    writeFileSync(env[f], '');
  }
  const started = performance.now();
  const child = spawn(node24(), [path.join(ROOT, 'dist', 'index.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      peakKb = Math.max(peakKb, Number(m?.[1] ?? 0));
    } catch {
      // exited
    }
  }, 20);
  const kill = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(poll);
  clearTimeout(kill);
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0 || log.includes('::error::')) throw new Error(`the action failed:\n${log.slice(-2000)}`);
  return { seconds, rssMb: peakKb / 1024 };
}

async function timed(cmd: string, args: string[]): Promise<number> {
  const started = performance.now();
  await exec(cmd, args, { timeout: DEADLINE_MS, maxBuffer: 16 * 1024 * 1024 });
  return (performance.now() - started) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

type Tool =
  'action' | 'oras cp -r' | 'imagetools create' | 'skopeo copy --all' | 'floor (curl, all blobs at once)';

async function round(src: TestRegistry, blobs: BlobFile[], times: Map<Tool, number[]>, rss: number[]) {
  const tools: [Tool, (dst: TestRegistry) => Promise<number>][] = [
    [
      'floor (curl, all blobs at once)',
      async (dst) => {
        const started = performance.now();
        await Promise.all(blobs.map((b) => curlUpload(dst, 'acme/floor', b)));
        return (performance.now() - started) / 1000;
      },
    ],
    [
      'action',
      async (dst) => {
        const r = await runAction(`${src.address}/acme/bench:1`, `${dst.address}/acme/action:1`);
        rss.push(r.rssMb);
        return r.seconds;
      },
    ],
    [
      'oras cp -r',
      (dst) =>
        timed('oras', [
          'cp',
          '-r',
          '--from-plain-http',
          '--to-plain-http',
          `${src.address}/acme/bench:1`,
          `${dst.address}/acme/oras:1`,
        ]),
    ],
    [
      'imagetools create',
      (dst) =>
        timed('docker', [
          'buildx',
          'imagetools',
          'create',
          '-t',
          `${dst.address}/acme/imagetools:1`,
          `${src.address}/acme/bench:1`,
        ]),
    ],
    [
      'skopeo copy --all',
      (dst) =>
        timed('skopeo', [
          'copy',
          '--all',
          '--src-tls-verify=false',
          '--dest-tls-verify=false',
          `docker://${src.address}/acme/bench:1`,
          `docker://${dst.address}/acme/skopeo:1`,
        ]),
    ],
  ];
  for (const [tool, run] of tools) {
    const dst = await startRegistry();
    try {
      const s = await run(dst);
      times.set(tool, [...(times.get(tool) ?? []), s]);
      console.error(`  ${tool}: ${s.toFixed(2)} s`);
    } finally {
      await dst.stop();
    }
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-blobs-'));
  const src = await startRegistry();
  try {
    console.error(`Seeding ${PLATFORMS.length} platforms x ${LAYER_MB} MB (and x ${SMALL_MB} MB) ...`);
    const blobs = await seed(src, dir, 'acme/bench', LAYER_MB);
    await seed(src, dir, 'acme/small', SMALL_MB);
    const times = new Map<Tool, number[]>();
    const rss: number[] = [];
    for (let r = 1; r <= RUNS; r++) {
      console.error(`Round ${r}/${RUNS}`);
      await round(src, blobs, times, rss);
    }
    const smallRss: number[] = [];
    for (let r = 1; r <= RUNS; r++) {
      const dst = await startRegistry();
      smallRss.push((await runAction(`${src.address}/acme/small:1`, `${dst.address}/acme/small:1`)).rssMb);
      await dst.stop();
    }
    const floor = median(times.get('floor (curl, all blobs at once)') ?? []);
    const action = median(times.get('action') ?? []);
    const total = blobs.reduce((n, b) => n + b.size, 0) / 1024 / 1024;
    console.log(
      `\n${PLATFORMS.length} platforms x ${LAYER_MB} MB incompressible layer (${total.toFixed(0)} MB), ${RUNS} rounds, ${os.cpus().length} cores\n`,
    );
    console.log('| Tool | Median (s) | Runs (s) | vs floor | vs action |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const [tool, xs] of times) {
      const m = median(xs);
      console.log(
        `| ${tool} | ${m.toFixed(2)} | ${xs.map((x) => x.toFixed(2)).join(', ')} | ${(m / floor).toFixed(2)}x | ${(m / action).toFixed(2)}x |`,
      );
    }
    console.log(
      `\nAction peak RSS: ${median(rss).toFixed(0)} MB median (${rss.map((x) => x.toFixed(0)).join(', ')}) with ${LAYER_MB} MB layers; ${median(smallRss).toFixed(0)} MB median (${smallRss.map((x) => x.toFixed(0)).join(', ')}) with ${SMALL_MB} MB layers.`,
    );
  } finally {
    await src.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
