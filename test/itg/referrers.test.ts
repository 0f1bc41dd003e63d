// Referrers carried with merged images, checked by an independent client: the
// real cosign CLI signs and attests each platform of a two-platform image in
// a source distribution 2.8 registry (no referrers API: cosign's .sig/.att
// tags, and one OCI 1.1 signature through the sha256-<hex> tag index), dist/
// merges it into a second registry, and cosign verifies the copies there.
// With 'referrers: false' nothing is carried; a source whose signature bytes
// were changed on disk fails the run before any tag is written.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, runAction } from '../../support/action-runner.js';
import { pushImage, pushIndex, readManifest, sha256, type Pushed } from '../../support/images.js';
import { startRegistry, tagsOf, type TestRegistry } from '../../support/registry.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';

const COSIGN = '/usr/local/bin/cosign';
const skip = skipWithoutPrereqs();
const PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;

interface Cosign {
  status: number | null;
  output: string;
}

describe.skipIf(skip)('referrers travel with merged images (cosign 2.5, distribution 2.8)', () => {
  let src: TestRegistry;
  let dst: TestRegistry;
  let dir: string;
  const images: Record<string, Pushed> = {};

  /** cosign with an empty key password, its own HOME, and the given extra environment. */
  const cosign = (args: string[], env: Record<string, string> = {}): Cosign => {
    const r = spawnSync(COSIGN, args, {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, HOME: dir, COSIGN_PASSWORD: '', ...env },
      timeout: 120_000,
    });
    return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
  };
  const ok = (args: string[], env?: Record<string, string>): string => {
    const r = cosign(args, env);
    if (r.status !== 0) throw new Error(`cosign ${args.join(' ')} failed (${r.status}):\n${r.output}`);
    return r.output;
  };
  const signArgs = ['--key', 'cosign.key', '--tlog-upload=false', '--allow-insecure-registry', '-y'];
  const verifyArgs = ['--key', 'cosign.pub', '--insecure-ignore-tlog', '--allow-insecure-registry'];
  const verify = (ref: string, extra: string[] = []) => cosign(['verify', ...verifyArgs, ...extra, ref]);
  const verifyAttestation = (ref: string) =>
    cosign(['verify-attestation', ...verifyArgs, '--type', 'slsaprovenance', ref]);

  /** A two-platform image in `repo`, each platform signed and attested by cosign; the index tagged '1'. */
  async function signedImage(repo: string): Promise<Record<string, Pushed>> {
    const pushed: Record<string, Pushed> = {};
    for (const platform of PLATFORMS) {
      const image = await pushImage({ url: src.url }, repo, { platform, layerBytes: 64 * 1024 });
      const ref = `${src.address}/${repo}@${image.digest}`;
      ok(['sign', ...signArgs, ref]);
      ok(['attest', ...signArgs, '--predicate', 'predicate.json', '--type', 'slsaprovenance', ref]);
      pushed[platform] = image;
    }
    await pushIndex({ url: src.url }, repo, '1', Object.values(pushed));
    return pushed;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'referrers-'));
    src = await startRegistry();
    dst = await startRegistry();
    ok(['generate-key-pair']);
    writeFileSync(
      path.join(dir, 'predicate.json'),
      JSON.stringify({ buildType: 'https://example.test/build', builder: { id: 'https://example.test/ci' } }),
    );
    Object.assign(images, await signedImage('acme/app'));
    const arm = images['linux/arm64'] as Pushed;
    // An OCI 1.1 referrer too (a manifest with a subject; on distribution 2.8, the sha256-<hex> tag index).
    ok(['sign', ...signArgs, '--registry-referrers-mode=oci-1-1', `${src.address}/acme/app@${arm.digest}`], {
      COSIGN_EXPERIMENTAL: '1',
    });
    // A referrer of a referrer: the amd64 attestation manifest signed in turn.
    const amd = images['linux/amd64'] as Pushed;
    const att = await readManifest({ url: src.url }, 'acme/app', `${amd.digest.replace(':', '-')}.att`);
    ok(['sign', ...signArgs, `${src.address}/acme/app@${sha256(att)}`]);
  }, 300_000);

  afterAll(async () => {
    for (const r of [src, dst]) await r?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the sources verify with cosign before the merge (the test itself is sound)', () => {
    for (const platform of PLATFORMS) {
      const ref = `${src.address}/acme/app@${images[platform]?.digest}`;
      expect(verify(ref).status, verify(ref).output).toBe(0);
      expect(verifyAttestation(ref).status).toBe(0);
    }
  });

  test('cosign verify and verify-attestation pass on the copies, for every platform', async () => {
    const run = await runAction({
      sources: `${src.address}/acme/app:1`,
      tags: `${dst.address}/acme/app:1`,
      push: 'true',
    });
    expect(errorsOf(run.main)).toBe('');
    expect(run.main.exitCode).toBe(0);
    for (const platform of PLATFORMS) {
      const ref = `${dst.address}/acme/app@${images[platform]?.digest}`;
      const signed = verify(ref);
      expect(signed.status, signed.output).toBe(0);
      const attested = verifyAttestation(ref);
      expect(attested.status, attested.output).toBe(0);
    }
    // The OCI 1.1 signature, found through the source's tag index and written to the target's.
    const arm = `${dst.address}/acme/app@${images['linux/arm64']?.digest}`;
    const oci11 = cosign(['verify', ...verifyArgs, '--experimental-oci11', arm], {
      COSIGN_EXPERIMENTAL: '1',
    });
    expect(oci11.status, oci11.output).toBe(0);
    // The attestation's own signature came too (a referrer of a referrer).
    const amd = images['linux/amd64'] as Pushed;
    const att = await readManifest({ url: dst.url }, 'acme/app', `${amd.digest.replace(':', '-')}.att`);
    const attRef = `${dst.address}/acme/app@${sha256(att)}`;
    expect(verify(attRef).status, verify(attRef).output).toBe(0);
    // The summary counts them per platform.
    expect(run.summary).toContain('Referrers carried');
    // amd64: its signature and its attestation's; arm64: the cosign-tag signature and the OCI 1.1 one.
    expect(run.summary).toMatch(
      /<td>linux\/amd64<\/td><td>2<\/td><td>0<\/td><td>1<\/td><td>0<\/td><td>0<\/td>/,
    );
    expect(run.summary).toMatch(
      /<td>linux\/arm64<\/td><td>2<\/td><td>0<\/td><td>1<\/td><td>0<\/td><td>0<\/td>/,
    );
    expect((JSON.parse(run.outputs.metadata ?? '{}') as { referrers: unknown[] }).referrers).toHaveLength(2);
    // Same bytes everywhere: the target's index is the one the outputs name.
    expect(sha256(await readManifest({ url: dst.url }, 'acme/app', '1'))).toBe(run.outputs.digest);
  });

  test('an OCI layout written by oras cp -r brings its OCI 1.1 signature (an index.json entry with a subject)', async () => {
    const arm = images['linux/arm64'] as Pushed;
    const layout = path.join(dir, 'layout');
    execFileSync('oras', [
      'cp',
      '-r',
      '--from-plain-http',
      `${src.address}/acme/app@${arm.digest}`,
      '--to-oci-layout',
      `${layout}:arm`,
    ]);
    const run = await runAction({
      sources: `oci:${layout}:arm`,
      tags: `${dst.address}/acme/from-layout:1`,
      push: 'true',
    });
    expect(errorsOf(run.main)).toBe('');
    const ref = `${dst.address}/acme/from-layout@${arm.digest}`;
    const oci11 = cosign(['verify', ...verifyArgs, '--experimental-oci11', ref], {
      COSIGN_EXPERIMENTAL: '1',
    });
    expect(oci11.status, oci11.output).toBe(0);
    expect((await tagsOf(dst.address, 'acme/from-layout')).sort()).toEqual(
      ['1', arm.digest.replace(':', '-')].sort(),
    );
  });

  test("with 'referrers: false' nothing is carried and cosign verify fails on the copies", async () => {
    const run = await runAction({
      sources: `${src.address}/acme/app:1`,
      tags: `${dst.address}/acme/bare:1`,
      push: 'true',
      referrers: 'false',
    });
    expect(errorsOf(run.main)).toBe('');
    expect(await tagsOf(dst.address, 'acme/bare')).toEqual(['1']);
    for (const platform of PLATFORMS) {
      const ref = `${dst.address}/acme/bare@${images[platform]?.digest}`;
      expect(verify(ref).status).not.toBe(0);
      expect(verifyAttestation(ref).status).not.toBe(0);
    }
    expect(run.summary).not.toContain('Referrers carried');
  });

  test('a signature whose bytes were changed in the source storage fails the run before any tag', async () => {
    const tampered = await signedImage('acme/tampered');
    const amd = tampered['linux/amd64'] as Pushed;
    const sig = JSON.parse(
      (
        await readManifest({ url: src.url }, 'acme/tampered', `${amd.digest.replace(':', '-')}.sig`)
      ).toString(),
    ) as { layers: { digest: string }[] };
    const hex = sig.layers[0]?.digest.slice('sha256:'.length) ?? '';
    const file = path.join(src.dir, 'data/docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
    const bytes = readFileSync(file);
    bytes.writeUInt8((bytes.at(-2) ?? 0) ^ 0x01, bytes.length - 2); // same length, another digest
    writeFileSync(file, bytes);
    const run = await runAction({
      sources: `${src.address}/acme/tampered:1`,
      tags: `${dst.address}/acme/tampered:1`,
      push: 'true',
    });
    expect(run.main.exitCode).not.toBe(0);
    expect(errorsOf(run.main)).toContain(`sha256:${hex}`);
    expect(await tagsOf(dst.address, 'acme/tampered')).toEqual([]);
  });
});
