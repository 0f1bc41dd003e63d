// Finds the runner's buildx and checks it is recent enough.
import { ActionError } from '../errors.js';
import { run } from '../exec.js';
import { compareVersions } from '../versions.js';

/** --metadata-file and --provenance both exist from 0.10. */
export const MIN_BUILDX = '0.10.0';

/** "github.com/docker/buildx v0.19.2 1c4b..." or "... 0.13.1+ds1 ..." -> "0.19.2" (pure). */
export function parseBuildxVersion(output: string): string | undefined {
  return /\bv?(\d+\.\d+\.\d+)/.exec(output)?.[1];
}

/** The version `docker buildx` reports (with the action's docker env), undefined when there is none. */
export async function readBuildxVersion(): Promise<string | undefined> {
  const res = await run('docker', ['buildx', 'version'], { silent: true, allowFailure: true });
  return res.exitCode === 0 ? parseBuildxVersion(res.stdout) : undefined;
}

/** The runner's buildx, or an error saying it is missing or older than MIN_BUILDX (pure). */
export function checkSystemBuildx(version: string | undefined): string {
  if (!version) {
    throw new ActionError(
      `docker buildx is not installed on the runner, and 'buildx-version' is 'system'.`,
      `Set 'buildx-version' to auto (or a version such as v0.19.2) to download it, or install the buildx CLI plugin.`,
    );
  }
  if (compareVersions(version, MIN_BUILDX) < 0) {
    throw new ActionError(
      `docker buildx ${version} on the runner is too old; this action needs ${MIN_BUILDX} or newer.`,
      `Set 'buildx-version' to auto (or a version such as v0.19.2) to download a newer one, or upgrade the buildx CLI plugin.`,
    );
  }
  return version;
}

export async function ensureBuildx(): Promise<string> {
  return checkSystemBuildx(await readBuildxVersion());
}
