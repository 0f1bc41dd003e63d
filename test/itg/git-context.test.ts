// Git contexts, fetched by BuildKit itself from real Git servers on loopback:
// `git http-backend` that wants the workflow's token (as GitHub takes it) for
// the workflow's own repository and serves a second, public one that must
// never see it, another server on another host:port that must never see it
// either, and `git daemon` for git://. The repositories hold busybox, so nothing comes
// from Docker Hub; each platform's image is checked with docker run.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, leaks, runAction } from '../../support/action-runner.js';
import { busyboxContext } from '../../support/contexts.js';
import {
  makeRepo,
  startGitDaemon,
  startGitHttpServer,
  type GitDaemon,
  type GitHttpServer,
} from '../helpers/git-server.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { runImage } from '../helpers/run-image.js';
import { useTargetRegistry } from '../helpers/target-registry.js';

const skip = skipWithoutPrereqs();
const TOKEN = `ghs_${randomBytes(12).toString('hex')}`;

describe.skipIf(skip)('Git contexts', () => {
  const t = useTargetRegistry();
  const root = mkdtempSync(path.join(os.tmpdir(), 'git-root-'));
  let server: GitHttpServer; // the workflow's server: wants the token
  let elsewhere: GitHttpServer; // another host: open, must never get the token
  let daemon: GitDaemon;

  beforeAll(async () => {
    const ctx = busyboxContext({
      Dockerfile: 'RUN echo "from git $(uname -m)" > /marker\n',
      'Dockerfile.alt': 'RUN echo "alt $(uname -m)" > /marker\n',
    });
    makeRepo(root, 'acme/app', ctx);
    makeRepo(root, 'acme/public', ctx);
    rmSync(ctx, { recursive: true, force: true });
    server = await startGitHttpServer(root, TOKEN, ['acme/public']);
    elsewhere = await startGitHttpServer(root);
    daemon = await startGitDaemon(root);
  });
  afterAll(async () => {
    await server?.stop();
    await elsewhere?.stop();
    daemon?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  /** The workflow of acme/app runs on `server`: GITHUB_SERVER_URL is its URL, as on GitHub Enterprise. */
  const run = (inputs: Record<string, string>) =>
    runAction(
      { platforms: 'linux/amd64,linux/arm64', network: 'host', push: 'true', 'no-cache': 'true', ...inputs },
      { env: { GITHUB_SERVER_URL: server.url, GITHUB_REPOSITORY: 'acme/app' }, cwd: os.tmpdir() },
    );

  const marker = (ref: string, digest: string | undefined) =>
    runImage(`${ref}@${digest}`, { command: ['cat', '/marker'] });

  /** What the image of each platform in `outputs` says it is, from `repo`. */
  const markers = (repo: string, outputs: Record<string, string>) => {
    const digests = JSON.parse(outputs['platform-digests'] ?? '{}') as Record<string, string>;
    return Object.fromEntries(Object.entries(digests).map(([p, d]) => [p, marker(repo, d)]));
  };
  const checkMarkers = (repo: string, outputs: Record<string, string>) =>
    expect(markers(repo, outputs)).toEqual({
      'linux/amd64': 'from git x86_64',
      'linux/arm64': 'from git aarch64',
    });

  /** Builds `context` into git/<name>:1 with the token, and what `seenBy` was asked meanwhile. */
  const buildFrom = async (
    context: string,
    name: string,
    seenBy: GitHttpServer,
    more: Record<string, string> = {},
  ) => {
    const before = seenBy.requests.length;
    const done = await run({
      context,
      tags: `${t.registry.address}/git/${name}:1`,
      'github-token': TOKEN,
      ...more,
    });
    return { done, repo: `${t.registry.address}/git/${name}`, seen: seenBy.requests.slice(before) };
  };

  test("the workflow's own repository as an http(s) Git context gets 'github-token' as BuildKit's Git auth, never in the log", async () => {
    const { done, repo, seen: mine } = await buildFrom(`${server.url}/acme/app.git#main`, 'app', server);
    expect(errorsOf(done.main)).toBe('');
    checkMarkers(repo, done.outputs);
    const basic = `basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`;
    expect(mine.some((r) => r.authorization.toLowerCase() === basic.toLowerCase())).toBe(true);
    expect(leaks(done, TOKEN, Buffer.from(`x-access-token:${TOKEN}`).toString('base64'))).toEqual([]);
  });

  test('without the token the same server refuses, and nothing is pushed', async () => {
    const repo = `${t.registry.address}/git/refused`;
    const done = await run({
      context: `${server.url}/acme/app.git#main`,
      tags: `${repo}:1`,
      'github-token': '',
    });
    expect(done.main.exitCode).not.toBe(0);
    expect(errorsOf(done.main)).toMatch(/acme\/app\.git|401|Authentication|could not read/i);
    const tags = await fetch(`${t.registry.url}/v2/git/refused/tags/list`);
    expect(tags.status).toBe(404);
  });

  test("another repository on the workflow's own server never gets the token, as in build-push-action", async () => {
    const { done, repo, seen } = await buildFrom(`${server.url}/acme/public.git#main`, 'public', server, {
      platforms: 'linux/amd64',
    });
    expect(errorsOf(done.main)).toBe('');
    expect(seen.filter((r) => r.path.startsWith('/acme/public.git/')).length).toBeGreaterThan(0);
    expect(seen.filter((r) => r.authorization !== '')).toEqual([]);
    expect(markers(repo, done.outputs)).toEqual({ 'linux/amd64': 'from git x86_64' });
  });

  test('a Git context on another host never gets the token; a tag, a subdirectory-less ref and file inside the repo work', async () => {
    const { done, repo, seen } = await buildFrom(`${elsewhere.url}/acme/app.git#v1`, 'elsewhere', elsewhere, {
      file: 'Dockerfile.alt',
      platforms: 'linux/amd64',
    });
    expect(errorsOf(done.main)).toBe('');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((r) => r.authorization !== '')).toEqual([]);
    // 'file' is a path inside the repository: the image is that Dockerfile's.
    expect(markers(repo, done.outputs)).toEqual({ 'linux/amd64': 'alt x86_64' });
  });

  test('a git:// context (git daemon) builds every platform', async () => {
    const repo = `${t.registry.address}/git/daemon`;
    const done = await run({ context: `${daemon.url}/acme/app.git#main`, tags: `${repo}:1` });
    expect(errorsOf(done.main)).toBe('');
    checkMarkers(repo, done.outputs);
  });

  test.each([
    // [#, inputs, what the error says]
    [
      1,
      { 'platform-files': 'linux/arm64=Dockerfile.alt' },
      "Input 'platform-files' cannot be used with a Git 'context'",
    ],
    [2, { hooks: 'check' }, "Input 'hooks' is check, but 'context' is a Git URL"],
    [3, { context: 'https://example.test/app.tar.gz' }, 'a URL that is not a Git repository'],
  ])('%i: what a Git context cannot do is refused before anything runs', async (_n, inputs, says) => {
    const done = await run({
      context: `${server.url}/acme/app.git#main`,
      tags: `${t.registry.address}/git/no:1`,
      ...inputs,
    });
    expect(done.main.exitCode).not.toBe(0);
    expect(errorsOf(done.main)).toContain(says);
    expect(done.main.log).not.toContain('::group::Environment');
  });
});
