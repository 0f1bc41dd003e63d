// The machine's other Docker engine as a docker context, in a docker config
// of the test's own: Docker 26 from the default engine, and the other way
// round. What the 'builder' tests build on (its docker driver), and where the
// images of such a build are left. Created before the describe block's tests,
// removed after them with the config directory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

const D26 = 'unix:///var/run/docker26.sock';
/** The engine the runner does not use. */
export const OTHER_ENGINE = process.env.DOCKER_HOST === D26 ? 'unix:///var/run/docker.sock' : D26;

export interface OtherEngine {
  /** The docker context (and buildx builder of driver docker) naming the other engine. */
  context: string;
  /** DOCKER_CONFIG of the test's own, holding the context: pass it to the action. */
  env: { DOCKER_CONFIG: string };
  /** `docker ARGS` with that config, its stdout. */
  docker: (...args: string[]) => string;
  /** The repositories of the images the other engine holds (docker image ls). */
  repositories: () => string[];
}

/** Call inside a describe block; `context` names the docker context. */
export function useOtherEngine(context: string): OtherEngine {
  const config = mkdtempSync(path.join(os.tmpdir(), 'other-engine-config-'));
  const env = { DOCKER_CONFIG: config };
  const docker = (...args: string[]) =>
    execFileSync('docker', args, { encoding: 'utf8', env: { ...process.env, ...env } });
  beforeAll(() => {
    writeFileSync(path.join(config, 'config.json'), '{}');
    docker('context', 'create', context, '--docker', `host=${OTHER_ENGINE}`);
  });
  afterAll(() => {
    docker('context', 'rm', '--force', context);
    rmSync(config, { recursive: true, force: true });
  });
  return {
    context,
    env,
    docker,
    repositories: () =>
      docker('--context', context, 'image', 'ls', '--format', '{{.Repository}}').split('\n').filter(Boolean),
  };
}
