// Build mode needs a Linux runner with a Docker engine: said at once, before
// the pre-flight or anything slow, instead of failing somewhere in emulation.
import { ActionError } from '../errors.js';
import { run } from '../exec.js';
import { meaningfulTail } from '../exec-tail.js';

const RUNNER_NAMES: Record<string, string> = { darwin: 'macOS', win32: 'Windows' };

const ELSEWHERE =
  "Use a Linux runner (runs-on: ubuntu-24.04, or ubuntu-24.04-arm), or merge images built elsewhere with 'sources' or 'sources-from' (merge-only mode needs no engine and runs on any runner).";

/** Pure: the problem with running build mode on this OS, if any. */
export function osProblem(platform: NodeJS.Platform): string | undefined {
  if (platform === 'linux') return undefined;
  return `Build mode needs a Linux runner with a Docker engine; this runner is ${RUNNER_NAMES[platform] ?? platform}. ${ELSEWHERE}`;
}

/** Fails unless this is Linux with a reachable Docker engine; answers the engine's version. */
export async function checkBuildRunner(platform: NodeJS.Platform = process.platform): Promise<string> {
  const problem = osProblem(platform);
  if (problem) throw new ActionError(problem);
  const res = await run('docker', ['version', '--format', '{{.Server.Version}}'], {
    silent: true,
    allowFailure: true,
  });
  if (res.exitCode === 127)
    throw new ActionError(
      `Build mode needs the docker CLI and a Docker engine; 'docker' is not installed on this runner. Install Docker (docker.io or docker-ce), or ${ELSEWHERE.charAt(0).toLowerCase()}${ELSEWHERE.slice(1)}`,
    );
  if (res.exitCode !== 0) {
    const host = process.env.DOCKER_HOST
      ? `DOCKER_HOST is '${process.env.DOCKER_HOST}'`
      : 'DOCKER_HOST is not set';
    throw new ActionError(
      `Build mode needs a running Docker engine, and 'docker version' cannot reach one: ${meaningfulTail(res.stderr || res.stdout)}. Start the engine (e.g. sudo systemctl start docker), check that this user may use its socket (${host}), or run on a runner with Docker.`,
    );
  }
  return res.stdout.trim();
}
