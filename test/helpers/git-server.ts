// Real Git servers on loopback for Git-context tests: `git http-backend` (the
// CGI program git ships) behind a small Node HTTP server that may demand a
// token the way GitHub takes one (Basic x-access-token:TOKEN) and records the
// Authorization header of every request; and `git daemon` for git:// URLs.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.test', ...args], {
    cwd,
    encoding: 'utf8',
  });

/** A bare repository `<root>/<name>.git` holding `dir`'s files as one commit on main, tagged v1. */
export function makeRepo(root: string, name: string, dir: string): void {
  const work = mkdtempSync(path.join(os.tmpdir(), 'git-work-'));
  try {
    cpSync(dir, work, { recursive: true });
    git(work, 'init', '-q', '-b', 'main');
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', 'context');
    git(work, 'tag', 'v1');
    const bare = path.join(root, `${name}.git`);
    mkdirSync(path.dirname(bare), { recursive: true });
    execFileSync('git', ['clone', '-q', '--bare', work, bare]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface GitHttpServer {
  /** http://127.0.0.1:PORT */
  url: string;
  host: string;
  /** Every request: its path and Authorization header ('' when none). */
  requests: { path: string; authorization: string }[];
  stop(): Promise<void>;
}

/** Splits a CGI answer into status, headers and body. */
function writeCgi(out: Buffer, res: http.ServerResponse): void {
  const end = out.indexOf('\r\n\r\n') >= 0 ? out.indexOf('\r\n\r\n') : out.indexOf('\n\n');
  const sep = out.indexOf('\r\n\r\n') >= 0 ? 4 : 2;
  const head = out.subarray(0, end).toString('latin1').split(/\r?\n/);
  let status = 200;
  for (const line of head) {
    const i = line.indexOf(':');
    const name = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    if (/^status$/i.test(name)) status = Number(value.split(' ')[0]);
    else if (name) res.setHeader(name, value);
  }
  res.writeHead(status);
  res.end(out.subarray(end + sep));
}

/**
 * `git http-backend` over `root`; with `token`, every request must carry it as
 * GitHub takes it, except for the repositories named in `open` (owner/name, as
 * public ones on the same server).
 */
export async function startGitHttpServer(
  root: string,
  token?: string,
  open: string[] = [],
): Promise<GitHttpServer> {
  const requests: GitHttpServer['requests'] = [];
  const expected = token ? `basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}` : '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const authorization = req.headers.authorization ?? '';
    requests.push({ path: url.pathname, authorization });
    const isOpen = open.some((repo) => url.pathname.startsWith(`/${repo}.git/`));
    if (token && !isOpen && authorization.toLowerCase() !== expected.toLowerCase()) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' });
      res.end('token required\n');
      return;
    }
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        HTTP_GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_ADDR: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const chunks: Buffer[] = [];
    cgi.stdout.on('data', (d: Buffer) => chunks.push(d));
    cgi.on('close', () => writeCgi(Buffer.concat(chunks), res));
    req.pipe(cgi.stdin);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export interface GitDaemon {
  /** git://127.0.0.1:PORT */
  url: string;
  stop(): void;
}

/** `git daemon` exporting every repository under `root` on loopback. */
export async function startGitDaemon(root: string): Promise<GitDaemon> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'git',
    [
      'daemon',
      '--reuseaddr',
      '--export-all',
      `--base-path=${root}`,
      '--listen=127.0.0.1',
      `--port=${port}`,
      root,
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => (c.end(), resolve(true)));
      c.on('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline) throw new Error(`git daemon did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `git://127.0.0.1:${port}`, stop: () => void child.kill() };
}
