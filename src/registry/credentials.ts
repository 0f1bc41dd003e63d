// Finds credentials for a registry: the action's inputs first, then the
// runner's docker config (auths, credHelpers, credsStore) as
// docker/login-action leaves it. Every secret is masked as it is read.
import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../exec.js';
import { DOCKER_HUB } from './reference.js';

export interface Credentials {
  username: string;
  password: string;
  /** Where they came from, for error messages: never the secret. */
  source: string;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export function dockerConfigPath(): string {
  return path.join(process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker'), 'config.json');
}

/** The keys docker uses for a registry in config.json. */
export function configKeys(registry: string): string[] {
  if (registry === DOCKER_HUB)
    return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];
  return [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`];
}

/** Decodes an auths entry (pure). */
export function decodeAuthEntry(entry: {
  auth?: string;
  username?: string;
  password?: string;
}): Omit<Credentials, 'source'> | undefined {
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  return undefined;
}

async function fromHelper(
  helper: string,
  registry: string,
): Promise<Omit<Credentials, 'source'> | undefined> {
  const server = registry === DOCKER_HUB ? 'https://index.docker.io/v1/' : registry;
  const res = await run(`docker-credential-${helper}`, ['get'], {
    silent: true,
    input: server,
    allowFailure: true,
  });
  if (res.exitCode !== 0) return undefined;
  const parsed = JSON.parse(res.stdout) as { Username?: string; Secret?: string };
  if (!parsed.Secret) return undefined;
  core.setSecret(parsed.Secret);
  return { username: parsed.Username ?? '', password: parsed.Secret };
}

export async function readDockerCredentials(
  registry: string,
  file = dockerConfigPath(),
): Promise<Credentials | undefined> {
  let config: DockerConfig;
  try {
    config = JSON.parse(readFileSync(file, 'utf8')) as DockerConfig;
  } catch {
    return undefined;
  }
  const keys = configKeys(registry);
  for (const key of keys) {
    const helper = config.credHelpers?.[key];
    if (helper) {
      const c = await fromHelper(helper, registry);
      if (c) return { ...c, source: `docker-credential-${helper}` };
    }
  }
  for (const key of keys) {
    const entry = config.auths?.[key];
    const c = entry && decodeAuthEntry(entry);
    if (c) {
      core.setSecret(c.password);
      if (entry.auth) core.setSecret(entry.auth);
      return { ...c, source: `docker config ${file}` };
    }
  }
  if (config.credsStore) {
    const c = await fromHelper(config.credsStore, registry);
    if (c) return { ...c, source: `docker-credential-${config.credsStore}` };
  }
  return undefined;
}
