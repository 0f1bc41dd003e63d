// Benchmark (not a test): where the action's copy time goes. The same blobs
// (3 x BENCH_LAYER_MB incompressible) go from one local registry to a fresh
// one, all at once, by:
//   - node verify: undici through the action's DigestVerifier (the action's
//                  data path without its start-up, manifests or checks)
//   - node pass:   the same bytes through a Transform that does not hash
//   - oras cp:     an image holding those blobs as its layers
//   - curl:        the floor, one monolithic upload per blob from its file
// Wall seconds, the client's CPU seconds (user + system, from bash's `times`)
// and the target registry's CPU seconds, medians over BENCH_RUNS rounds.
// Loopback only; every command has a deadline.
//
//   npx tsx bench/data-path.ts            (BENCH_RUNS=3 BENCH_LAYER_MB=256)
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { node24, ROOT } from '../support/action-runner.js';
import { pushManifest, OCI_MANIFEST } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { configBlob, curlUpload, DEADLINE_MS, makeBlob, type BlobFile } from './blobs.js';

const exec = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LAYER_MB = Number(process.env.BENCH_LAYER_MB ?? 256);
const REPO = 'acme/path';

interface Sample {
  seconds: number;
  clientCpu: number;
  registryCpu: number;
}

/** user + system seconds so far of the registry serving from `registry.dir`. */
function registryCpu(registry: TestRegistry): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(registry.dir)) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      total += (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/**
 * Runs a command under bash; wall measured here and CPU read from `times`,
 * unless the command prints its own JSON {seconds, cpu} (the Node copier
 * does, so tsx's start-up is left out).
 */
async function measured(dst: TestRegistry, cmd: string[]): Promise<Sample> {
  const before = registryCpu(dst);
  const started = performance.now();
  const { stdout } = await exec(
    'bash',
    ['-c', 'set -o pipefail; "$@" | { grep "^{" || true; }; s=$?; times; exit $s', 'bash', ...cmd],
    {
      timeout: DEADLINE_MS,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const wall = (performance.now() - started) / 1000;
  const registry = registryCpu(dst) - before;
  const lines = stdout.trim().split('\n');
  const own = lines.find((l) => l.startsWith('{'));
  if (own) {
    const { seconds, cpu } = JSON.parse(own) as { seconds: number; cpu: number };
    return { seconds, clientCpu: cpu, registryCpu: registry };
  }
  const clientCpu = [...(lines.pop() ?? '').matchAll(/(\d+)m([\d.]+)s/g)].reduce(
    (sum, m) => sum + Number(m[1]) * 60 + Number(m[2]),
    0,
  );
  return { seconds: wall, clientCpu, registryCpu: registry };
}

const CURL_ALL = `
  dst=$1; shift
  for spec in "$@"; do
    file=\${spec%%=*}; digest=\${spec#*=}
    ( loc=$(curl -sSf -D - -o /dev/null -X POST "http://$dst/v2/${REPO}/blobs/uploads/" | tr -d '\\r' | sed -n 's/^[Ll]ocation: //p')
      case $loc in http*) ;; *) loc="http://$dst$loc" ;; esac
      curl -sSf -o /dev/null -H 'content-type: application/octet-stream' -T "$file" "$loc&digest=$digest" ) &
    pids="$pids $!"
  done
  for pid in $pids; do wait "$pid" || exit 1; done`;

function tools(src: TestRegistry, blobs: BlobFile[]): [string, (dst: TestRegistry) => Promise<Sample>][] {
  const specs = blobs.map((b) => `${b.digest}:${b.size}`);
  const copier = (mode: string) => (dst: TestRegistry) =>
    measured(dst, [
      'env',
      `MODE=${mode}`,
      node24(),
      '--import',
      'tsx',
      path.join(ROOT, 'bench', 'copy-blobs.ts'),
      src.address,
      dst.address,
      REPO,
      ...specs,
    ]);
  return [
    [
      'curl (floor)',
      (dst) =>
        measured(dst, [
          'bash',
          '-c',
          CURL_ALL,
          'bash',
          dst.address,
          ...blobs.map((b) => `${b.file}=${b.digest}`),
        ]),
    ],
    ['node verify (action data path)', copier('verify')],
    ['node pass (no hash)', copier('pass')],
    [
      'oras cp',
      (dst) =>
        measured(dst, [
          'oras',
          'cp',
          '--from-plain-http',
          '--to-plain-http',
          `${src.address}/${REPO}:1`,
          `${dst.address}/${REPO}:1`,
        ]),
    ],
  ];
}

async function seed(src: TestRegistry, dir: string): Promise<BlobFile[]> {
  const c = configBlob(dir, 'config.json', 'amd64');
  const layers: BlobFile[] = [];
  for (let i = 0; i < 3; i++) layers.push(await makeBlob(dir, `layer-${i}.bin`, LAYER_MB));
  for (const b of [c, ...layers]) await curlUpload(src, REPO, b);
  const strip = ({ mediaType, digest, size }: BlobFile) => ({ mediaType, digest, size });
  const m = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: strip(c), layers: layers.map(strip) };
  await pushManifest({ url: src.url }, REPO, '1', OCI_MANIFEST, m);
  return layers;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-path-'));
  const src = await startRegistry();
  try {
    console.error(`Seeding 3 x ${LAYER_MB} MB ...`);
    const blobs = await seed(src, dir);
    const samples = new Map<string, Sample[]>();
    for (let r = 1; r <= RUNS; r++) {
      console.error(`Round ${r}/${RUNS}`);
      for (const [tool, run] of tools(src, blobs)) {
        const dst = await startRegistry();
        try {
          const s = await run(dst);
          samples.set(tool, [...(samples.get(tool) ?? []), s]);
          console.error(
            `  ${tool}: ${s.seconds.toFixed(2)} s, client CPU ${s.clientCpu.toFixed(2)} s, registry CPU ${s.registryCpu.toFixed(2)} s`,
          );
        } finally {
          await dst.stop();
        }
      }
    }
    console.log(
      `\n3 x ${LAYER_MB} MB incompressible blobs, ${RUNS} rounds, ${os.cpus().length} cores, medians\n`,
    );
    console.log('| Client | Wall (s) | Client CPU (s) | Target registry CPU (s) | Wall runs (s) |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const [tool, xs] of samples) {
      const m = (k: keyof Sample) => median(xs.map((x) => x[k])).toFixed(2);
      console.log(
        `| ${tool} | ${m('seconds')} | ${m('clientCpu')} | ${m('registryCpu')} | ${xs.map((x) => x.seconds.toFixed(2)).join(', ')} |`,
      );
    }
  } finally {
    await src.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
