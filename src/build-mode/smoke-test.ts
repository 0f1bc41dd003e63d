// Smoke tests before push: the user's command in each platform's image
// (under emulation where needed); any failure stops the push.
import { ActionError, ExecError } from '../errors.js';
import { run } from '../exec.js';

/** `docker run` argv (pure): the command goes to /bin/sh -c as one argument, verbatim. */
export function smokeTestArgs(platform: string, ref: string, command: string, network: string): string[] {
  const net = network && network !== 'default' ? ['--network', network] : [];
  return ['run', '--rm', '--platform', platform, ...net, '--entrypoint', '/bin/sh', ref, '-c', command];
}

export async function runSmokeTest(
  platform: string,
  ref: string,
  command: string,
  network: string,
): Promise<void> {
  try {
    await run('docker', smokeTestArgs(platform, ref, command, network));
  } catch (err) {
    if (!(err instanceof ExecError)) throw err;
    throw new ActionError(
      `Smoke test failed on ${platform}: 'test-command' exited ${err.exitCode}${err.tail ? `: ${err.tail}` : ''}.`,
      `Nothing was pushed. The command runs as /bin/sh -c in the image.`,
    );
  }
}
