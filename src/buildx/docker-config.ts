// The action's own docker CLI config dir: its buildx plugin and its builders,
// with the user's config.json (logins, credential helpers) and contexts
// linked in, so `docker login` done before the action still applies.
import { copyFileSync, existsSync, linkSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setToolEnv } from '../exec.js';

/** Where the user's docker CLI keeps its config: DOCKER_CONFIG or ~/.docker. */
export function userDockerConfig(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
}

/**
 * Creates <runDir>/docker-config with cli-plugins/docker-buildx, a hard link to
 * (else a copy of) `buildx`: another job re-caching the same version cannot pull
 * it from under this run. Answers the dir.
 */
export function prepareDockerConfig(runDir: string, buildx: string): string {
  const dir = path.join(runDir, 'docker-config');
  const plugins = path.join(dir, 'cli-plugins');
  mkdirSync(plugins, { recursive: true });
  const plugin = path.join(plugins, 'docker-buildx');
  rmSync(plugin, { force: true });
  try {
    linkSync(buildx, plugin);
  } catch {
    copyFileSync(buildx, plugin); // another file system; copyFile keeps the mode
  }
  const user = userDockerConfig();
  for (const entry of ['config.json', 'contexts']) {
    const target = path.join(user, entry);
    const link = path.join(dir, entry);
    if (existsSync(target) && !existsSync(link)) symlinkSync(target, link);
  }
  return dir;
}

/** Every later docker command of this process runs with this config dir. */
export function useDockerConfig(dir: string): void {
  setToolEnv('docker', { DOCKER_CONFIG: dir });
}
