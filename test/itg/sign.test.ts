// Signing with 'sign: key', checked by an independent client: the real
// cosign CLI verifies the pushed index and each platform's manifest with the
// PEM public key (openssl made the key pair), and refuses another key, an
// unsigned image, and the index's signature replayed onto another image. The
// key never reaches the log; a bad key, or keyless without an OIDC token,
// fails before any build with nothing pushed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, leaks, runAction } from '../../support/action-runner.js';
import { busyboxContext } from '../../support/contexts.js';
import { catalog } from '../../support/registry.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { useTargetRegistry } from '../helpers/target-registry.js';

const skip = skipWithoutPrereqs();
const COSIGN = '/usr/local/bin/cosign';
const PLATFORMS = ['linux/amd64', 'linux/arm64'];

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A P-256 key pair as `openssl genpkey` writes it: PKCS#8 private key, SPKI public key. */
function keyPair(dir: string, name: string): { key: string; pub: string } {
  const key = path.join(dir, `${name}.pem`);
  const pub = path.join(dir, `${name}.pub`);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
  openssl(['pkey', '-in', key, '-pubout', '-out', pub]);
  return { key: readFileSync(key, 'utf8'), pub };
}

/** `cosign verify --key` against a plain-HTTP registry, offline (no Rekor). */
function cosignVerify(pub: string, ref: string): { status: number | null; out: string } {
  const args = ['verify', '--key', pub, '--insecure-ignore-tlog', '--allow-http-registry', ref];
  const r = spawnSync(COSIGN, args, { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

async function getManifest(url: string): Promise<{ type: string; bytes: Buffer }> {
  const res = await fetch(url, {
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  expect(res.status, url).toBe(200);
  return {
    type: res.headers.get('content-type') ?? '',
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}

describe.skipIf(skip)('signing the index', () => {
  const t = useTargetRegistry();
  let dir = '';
  let signing: { key: string; pub: string };
  let other: { key: string; pub: string };
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sign-keys-'));
    t.dirs.push(dir);
    signing = keyPair(dir, 'signing');
    other = keyPair(dir, 'other');
  });

  test('sign: key: cosign verifies the index and each platform; another key, an unsigned image and a replayed signature fail; the key stays out of the log', async () => {
    const ctx = busyboxContext({ Dockerfile: 'RUN uname -m > /arch\n' });
    t.dirs.push(ctx);
    const repo = `${t.registry.address}/signed/app`;
    const run = await runAction({
      platforms: PLATFORMS.join(','),
      context: ctx,
      tags: `${repo}:1`,
      push: 'true',
      network: 'host',
      sign: 'key',
      'sign-key': signing.key,
    });
    expect(errorsOf(run.main)).toBe('');
    expect(run.main.exitCode).toBe(0);
    const index = run.outputs.digest ?? '';
    const platforms = JSON.parse(run.outputs['platform-digests'] ?? '{}') as Record<string, string>;
    expect(Object.keys(platforms).sort()).toEqual(PLATFORMS);

    for (const digest of [index, ...Object.values(platforms)]) {
      const ok = cosignVerify(signing.pub, `${repo}@${digest}`);
      expect(ok.out, digest).toContain('The signatures were verified against the specified public key');
      expect(ok.out).toContain(`"docker-manifest-digest":"${digest}"`);
      expect(ok.status, ok.out).toBe(0);
      const wrongKey = cosignVerify(other.pub, `${repo}@${digest}`);
      expect(wrongKey.status, wrongKey.out).not.toBe(0);
    }
    expect(run.main.log).toContain(`Signed index ${index} (key): ${repo}:sha256-${index.slice(7)}.sig`);

    // Another image in the same repository: unsigned, it fails; with the index's signature
    // copied under its .sig tag (a replay), it fails too: the payload names another digest.
    const file = path.join(dir, 'other.txt');
    writeFileSync(file, 'another image\n');
    execFileSync('oras', ['push', '--plain-http', `${repo}:other`, `other.txt:text/plain`], { cwd: dir });
    const foreign = execFileSync('oras', ['resolve', '--plain-http', `${repo}:other`], {
      encoding: 'utf8',
    }).trim();
    expect(foreign).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(cosignVerify(signing.pub, `${repo}@${foreign}`).status).not.toBe(0);
    const base = `${t.registry.url}/v2/signed/app/manifests`;
    const sig = await getManifest(`${base}/sha256-${index.slice(7)}.sig`);
    const put = await fetch(`${base}/sha256-${foreign.slice(7)}.sig`, {
      method: 'PUT',
      headers: { 'content-type': sig.type },
      body: new Uint8Array(sig.bytes),
    });
    expect(put.status).toBe(201);
    const replayed = cosignVerify(signing.pub, `${repo}@${foreign}`);
    expect(replayed.status, replayed.out).not.toBe(0);

    /** Merge-only mode: the index at `index` again, as `repo`:TAG, signed with `key`. */
    const resign = (tag: string, key: string) =>
      runAction({
        sources: `${repo}@${index}`,
        tags: `${repo}:${tag}`,
        push: 'true',
        sign: 'key',
        'sign-key': key,
      });
    // Merge-only mode re-signs the same images with the other key: appended, so both keys verify.
    // Then the first key again: the same signature is already there, nothing is added.
    const merged = await resign('2', other.key);
    expect(errorsOf(merged.main)).toBe('');
    const mergedIndex = merged.outputs.digest ?? '';
    const signedBefore = [index, ...Object.values(platforms)];
    for (const digest of [mergedIndex, ...Object.values(platforms)])
      for (const pub of signedBefore.includes(digest) ? [signing.pub, other.pub] : [other.pub]) {
        const both = cosignVerify(pub, `${repo}@${digest}`);
        expect(both.status, `${digest} ${pub} ${both.out}`).toBe(0);
      }
    const again = await resign('3', signing.key);
    expect(errorsOf(again.main)).toBe('');
    for (const [platform, digest] of Object.entries(platforms))
      expect(again.main.log).toContain(`${platform} ${digest} already carries this signature in ${repo}`);

    const keyLines = signing.key.split('\n').filter((l) => l.length >= 8 && !l.startsWith('-----'));
    expect(keyLines.length).toBeGreaterThan(0);
    for (const r of [run, again]) expect(leaks(r, signing.key, ...keyLines)).toEqual([]);
    expect(run.main.log).toContain('::add-mask::');
  });

  test.each([
    [
      1,
      'a P-384 key',
      () => {
        const key = path.join(dir, 'p384.pem');
        openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', key]);
        return { sign: 'key', 'sign-key': readFileSync(key, 'utf8') };
      },
      "Input 'sign-key' is an EC key on curve secp384r1; it must be P-256 (prime256v1)",
    ],
    [
      2,
      'the public key instead of the private one',
      () => ({ sign: 'key', 'sign-key': readFileSync(signing.pub, 'utf8') }),
      "Input 'sign-key' holds a PUBLIC KEY; it needs the private key",
    ],
    [
      3,
      'keyless without an OIDC token',
      () => ({ sign: 'keyless' }),
      'add `permissions: id-token: write` to the job',
    ],
  ])('%i: %s fails before any build, nothing pushed', async (n, _what, inputs, message) => {
    const ctx = busyboxContext({ Dockerfile: 'RUN true\n' });
    t.dirs.push(ctx);
    const repo = `signed/refused-${n}`;
    const run = await runAction({
      platforms: PLATFORMS.join(','),
      context: ctx,
      tags: `${t.registry.address}/${repo}:1`,
      push: 'true',
      network: 'host',
      ...inputs(),
    });
    expect(run.main.exitCode).toBe(1);
    expect(errorsOf(run.main)).toContain(message);
    expect(run.main.log).not.toContain('buildx build');
    expect(await catalog(t.registry.address)).not.toContain(repo);
  });
});
