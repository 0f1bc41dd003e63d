// What integration tests need on the machine, and which engine DOCKER_HOST
// points at. Locally a missing part skips the suite with the reason; in CI
// (CI=true) a skipping suite is a failure. A test that needs one engine says so
// with `describe.skipIf(!engine.containerdStore)` or the like.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BUSYBOX_DIR } from '../../support/contexts.js';

function ok(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

export function missingPrereqs(): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root (binfmt_misc registration)');
  if (!ok('docker', ['info'])) missing.push('a running Docker engine');
  if (!ok('docker', ['buildx', 'version'])) missing.push('docker buildx');
  if (!ok('sh', ['-c', 'command -v docker-registry || command -v registry'])) missing.push('docker-registry');
  if (!ok('skopeo', ['--version'])) missing.push('skopeo');
  if (!ok('docker', ['compose', 'version'])) missing.push('docker compose (Hub automated tests)');
  if (!existsSync('/proc/sys/fs/binfmt_misc/register')) missing.push('binfmt_misc mounted');
  if (!existsSync(`${BUSYBOX_DIR}/arm64/busybox`)) missing.push(`static busybox in ${BUSYBOX_DIR}`);
  return missing;
}

/** Call at the top of an integration file: throws in CI, else returns whether to skip. */
export function skipWithoutPrereqs(): boolean {
  const missing = missingPrereqs();
  if (missing.length === 0) return false;
  const msg = `integration prerequisites missing: ${missing.join(', ')}; run scripts/setup-machine.sh`;
  if (process.env.CI) throw new Error(msg);
  console.warn(`SKIPPING: ${msg}`);
  return true;
}

export interface Engine {
  /** The server's version, e.g. "26.1.5+dfsg1"; "" when no engine answers. */
  version: string;
  major: number;
  /** The containerd image store (Docker 24+ with containerd-snapshotter), not the classic one. */
  containerdStore: boolean;
}

function readEngine(): Engine {
  let info = { ServerVersion: '', DriverStatus: [] as string[][] };
  try {
    const out = execFileSync('docker', ['info', '--format', '{{json .}}'], {
      encoding: 'utf8',
      timeout: 20_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    info = { ...info, ...(JSON.parse(out) as Partial<typeof info>) };
  } catch {
    // No engine: the prerequisites check says so; nothing is engine-specific then.
  }
  const version = info.ServerVersion ?? '';
  return {
    version,
    major: Number.parseInt(version, 10) || 0,
    containerdStore: (info.DriverStatus ?? []).some(([, v]) => v === 'io.containerd.snapshotter.v1'),
  };
}

let cached: Engine | undefined;

/** The engine DOCKER_HOST points at, as `docker info` reports it (asked once per file). */
export function engine(): Engine {
  return (cached ??= readEngine());
}
