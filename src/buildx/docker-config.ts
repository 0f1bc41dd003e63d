// The action's own docker CLI config dir: its buildx plugin and its builders,
// with the user's config.json (logins, credential helpers) and contexts
// linked in, so `docker login` done before the action still applies.
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
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
  linkUserEntries(dir, ['config.json', 'contexts']);
  return dir;
}

/** Links each entry of the user's docker config dir that exists into `dir`, unless already there. */
function linkUserEntries(dir: string, entries: readonly string[]): void {
  const user = userDockerConfig();
  for (const entry of entries) {
    const target = path.join(user, entry);
    const link = path.join(dir, entry);
    if (existsSync(target) && !existsSync(link)) symlinkSync(target, link);
  }
}

/**
 * The user's builders (docker/setup-buildx-action's, for 'builder') in the run's
 * own config dir: the user's buildx dir linked in, unless one is there already.
 */
export function linkUserBuilders(dir: string): void {
  linkUserEntries(dir, ['buildx']);
}

function readUserConfig(): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path.join(userDockerConfig(), 'config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
  } catch {
    return {};
  }
}

/**
 * Gives buildx (and every docker command of the run) the local registry's
 * login: <runDir>/docker-config/config.json (mode 0600) is the user's config
 * plus an auths entry for `registry`, written as a file of its own (never
 * through the link to the user's). A dir made here links the user's plugins,
 * builders and contexts, so nothing else changes. Answers the dir.
 */
export function addRegistryAuth(
  runDir: string,
  registry: string,
  login: { username: string; password: string },
): string {
  const dir = path.join(runDir, 'docker-config');
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    linkUserEntries(dir, ['cli-plugins', 'buildx', 'contexts']);
  }
  const config = readUserConfig();
  const auth = Buffer.from(`${login.username}:${login.password}`).toString('base64');
  const auths = { ...(config.auths as Record<string, unknown> | undefined), [registry]: { auth } };
  // An empty helper for the host: docker then reads its auths entry even when a credsStore is set.
  const credHelpers = { ...(config.credHelpers as Record<string, string> | undefined), [registry]: '' };
  const file = path.join(dir, 'config.json');
  rmSync(file, { force: true });
  writeFileSync(file, JSON.stringify({ ...config, auths, credHelpers }, null, 2), { mode: 0o600 });
  return dir;
}

/** Every later docker command of this process runs with this config dir. */
export function useDockerConfig(dir: string): void {
  setToolEnv('docker', { DOCKER_CONFIG: dir });
}
