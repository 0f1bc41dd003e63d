// Real CNCF distribution registries for tests, on loopback, optionally with
// htpasswd basic auth or token auth, and TLS. Stopped and removed by stop().
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TestRegistry {
  address: string;
  /** http://address or https://address */
  url: string;
  dir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export function registryBinary(): string {
  for (const name of ['registry', 'docker-registry']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // try the next
    }
  }
  throw new Error('no registry binary (docker-registry) on PATH: run scripts/setup-machine.sh');
}

export interface RegistryOptions {
  user?: string;
  password?: string;
  tls?: { certFile: string; keyFile: string; caFile: string };
  token?: { realm: string; service: string; issuer: string; rootcertbundle: string };
}

function authConfig(dir: string, options: RegistryOptions): string[] {
  if (options.token) {
    const t = options.token;
    return ['auth:', '  token:', `    realm: ${t.realm}`, `    service: ${t.service}`].concat([
      `    issuer: ${t.issuer}`,
      `    rootcertbundle: ${t.rootcertbundle}`,
    ]);
  }
  if (!options.user || !options.password) return [];
  const line = execFileSync('htpasswd', ['-Bbn', options.user, options.password], { encoding: 'utf8' });
  writeFileSync(path.join(dir, 'htpasswd'), line);
  return ['auth:', '  htpasswd:', '    realm: test', `    path: ${path.join(dir, 'htpasswd')}`];
}

async function waitReady(url: string, ca: string | undefined): Promise<void> {
  const dispatcher = new Agent({ connect: ca ? { ca } : {} });
  const deadline = Date.now() + 15_000;
  try {
    for (;;) {
      try {
        const res = await request(`${url}/v2/`, { dispatcher });
        await res.body.dump();
        if (res.statusCode === 200 || res.statusCode === 401) return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error(`test registry on ${url} did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await dispatcher.close();
  }
}

export async function startRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'test-registry-'));
  const address = `127.0.0.1:${await freePort()}`;
  const auth = authConfig(dir, options);
  const tls = options.tls
    ? ['  tls:', `    certificate: ${options.tls.certFile}`, `    key: ${options.tls.keyFile}`]
    : [];
  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${path.join(dir, 'data')}`,
    'http:',
    `  addr: ${address}`,
    ...tls,
    ...auth,
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'config.yml'), config);
  const child: ChildProcess = spawn(registryBinary(), ['serve', path.join(dir, 'config.yml')], {
    stdio: 'ignore',
  });
  const url = `${options.tls ? 'https' : 'http'}://${address}`;
  await waitReady(url, options.tls && readFileSync(options.tls.caFile, 'utf8'));
  return {
    address,
    url,
    dir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The repositories a registry holds, optionally as a basic-auth user ("user:password"). */
export async function catalog(address: string, auth?: string): Promise<string[]> {
  const res = await fetch(`http://${address}/v2/_catalog`, {
    headers: auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {},
  });
  return ((await res.json()) as { repositories: string[] }).repositories;
}

/** The tags a repository has (none when the registry does not know it), optionally as a basic-auth user. */
export async function tagsOf(address: string, repository: string, auth?: string): Promise<string[]> {
  const res = await fetch(`http://${address}/v2/${repository}/tags/list`, {
    headers: auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {},
  });
  if (res.status === 404) return [];
  return ((await res.json()) as { tags: string[] | null }).tags ?? [];
}

/** The manifests a repository holds, by digest hex, read from the registry's storage (distribution's revisions). */
export function manifestsStored(registry: TestRegistry, repository: string): string[] {
  const dir = path.join(
    registry.dir,
    'data/docker/registry/v2/repositories',
    repository,
    '_manifests/revisions/sha256',
  );
  return existsSync(dir) ? readdirSync(dir) : [];
}
