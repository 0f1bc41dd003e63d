// Finds the runner's buildx and checks it is recent enough.
import { ActionError } from '../errors.js';
import { run } from '../exec.js';

/** --metadata-file and --provenance both exist from 0.10. */
export const MIN_BUILDX = '0.10.0';

/** "github.com/docker/buildx v0.19.2 1c4b..." or "... 0.13.1+ds1 ..." -> "0.19.2" (pure). */
export function parseBuildxVersion(output: string): string | undefined {
  return /\bv?(\d+\.\d+\.\d+)/.exec(output)?.[1];
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export async function ensureBuildx(): Promise<string> {
  const res = await run('docker', ['buildx', 'version'], { silent: true, allowFailure: true });
  const version = res.exitCode === 0 ? parseBuildxVersion(res.stdout) : undefined;
  if (!version) {
    throw new ActionError(
      `docker buildx is not installed (docker buildx version exited ${res.exitCode}).`,
      `Install the buildx CLI plugin (Debian trixie/Ubuntu: docker-buildx) or run docker/setup-buildx-action first.`,
    );
  }
  if (compareVersions(version, MIN_BUILDX) < 0) {
    throw new ActionError(
      `docker buildx ${version} is too old; this action needs ${MIN_BUILDX} or newer.`,
      `Upgrade the buildx CLI plugin.`,
    );
  }
  return version;
}
