// Real CNCF distribution registries for tests, on loopback, optionally with
// htpasswd basic auth. Stopped and removed by stop().
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TestRegistry {
  address: string;
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

export async function startRegistry(
  options: { user?: string; password?: string } = {},
): Promise<TestRegistry> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'test-registry-'));
  const address = `127.0.0.1:${await freePort()}`;
  const auth: string[] = [];
  if (options.user && options.password) {
    const line = execFileSync('htpasswd', ['-Bbn', options.user, options.password], { encoding: 'utf8' });
    writeFileSync(path.join(dir, 'htpasswd'), line);
    auth.push('auth:', '  htpasswd:', '    realm: test', `    path: ${path.join(dir, 'htpasswd')}`);
  }
  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${path.join(dir, 'data')}`,
    'http:',
    `  addr: ${address}`,
    ...auth,
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'config.yml'), config);
  const child: ChildProcess = spawn(registryBinary(), ['serve', path.join(dir, 'config.yml')], {
    stdio: 'ignore',
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const res = await fetch(`http://${address}/v2/`);
      if (res.status === 200 || res.status === 401) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`test registry on ${address} did not start`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    address,
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
