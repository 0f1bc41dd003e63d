// Merge-only mode end to end: dist/ run as the runner runs it, sources on one
// registry, tags on another, against real distribution registries: anonymous,
// htpasswd over TLS with a CA made here, and token auth with a token server
// written here (faults and body limits: merge-faults.test.ts). What the target
// serves is read back with an independent client (support/images.ts) and skopeo.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, leaks, runAction } from '../../support/action-runner.js';
import {
  platformsOf,
  pushImage,
  readManifest,
  sha256,
  type Endpoint,
  type Pushed,
} from '../../support/images.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import type { TestRegistry } from '../../support/registry.js';
import type { TestCa } from '../helpers/tls.js';
import type { TokenServer } from '../helpers/token-server.js';
import { useAuthRegistries, type AuthRegistries } from '../helpers/auth-registries.js';
import { pushMergeSources } from '../helpers/merge-sources.js';
import { skopeoRaw } from '../helpers/skopeo.js';

const skip = skipWithoutPrereqs();

interface Index {
  mediaType: string;
  manifests: Pushed[];
  annotations?: Record<string, string>;
}

describe.skipIf(skip)('merge-only mode', () => {
  const f = useAuthRegistries(2);
  const { user, password } = f;
  let ca: TestCa;
  let src: TestRegistry;
  let dst: TestRegistry;
  let secure: TestRegistry;
  let tokens: TokenServer;
  let tok: TestRegistry;
  let auth: AuthRegistries;
  let srcEp: Endpoint;
  let images: Record<string, Pushed>;
  let multi: Pushed;
  let multiAttestations: Pushed[];

  beforeAll(async () => {
    [src, dst] = f.open as [TestRegistry, TestRegistry];
    auth = f.auth;
    ({ ca, secure, tok, tokens } = auth);
    srcEp = { url: src.url };
    ({ images, multi, multiAttestations } = await pushMergeSources(srcEp));
  });

  const singleSources = () =>
    [
      `${src.address}/acme/app:amd64`,
      `${src.address}/acme/app@${images['linux/arm64']?.digest}`,
      `${src.address}/acme/app:s390x`,
    ].join('\n');

  test('merges single-platform sources into a TLS registry with basic auth, trusting ca-file', async () => {
    const repo = `${secure.address}/acme/merged`;
    const run = await runAction({
      sources: singleSources(),
      tags: `${repo}:1.0, ${repo}:latest`,
      push: 'true',
      username: user,
      password,
      'ca-file': ca.caFile,
      annotations: 'org.opencontainers.image.description=Merged by a test, with = and commas',
    });
    expect(errorsOf(run.main)).toBe('');
    expect(run.main.exitCode).toBe(0);
    expect(run.main.log).not.toMatch(/Registering QEMU|Starting local registry|Building/);
    const ep = { url: secure.url, ca: readFileSync(ca.caFile, 'utf8'), user, password };
    const bytes = await readManifest(ep, 'acme/merged', '1.0');
    expect(sha256(bytes)).toBe(run.outputs.digest);
    expect(sha256(await readManifest(ep, 'acme/merged', 'latest'))).toBe(run.outputs.digest);
    const index = JSON.parse(bytes.toString()) as Index;
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(platformsOf(index.manifests)).toEqual(['linux/amd64', 'linux/arm64', 'linux/s390x']);
    expect(index.annotations).toEqual({
      'org.opencontainers.image.description': 'Merged by a test, with = and commas',
    });
    expect(JSON.parse(run.outputs['platform-digests'] ?? '{}')).toEqual(
      Object.fromEntries(Object.entries(images).map(([p, i]) => [p, i.digest])),
    );
    // A second tool agrees.
    const raw = skopeoRaw(`${repo}:1.0`, { creds: `${user}:${password}`, caFile: ca.caFile });
    expect(sha256(raw)).toBe(run.outputs.digest);
    expect(leaks(run, password)).toEqual([]);
    expect(run.post.exitCode).toBe(0);
  });

  test('a TLS registry with an unknown CA is refused with a hint; NODE_EXTRA_CA_CERTS is enough', async () => {
    const inputs = {
      sources: singleSources(),
      tags: `${secure.address}/acme/ca:1`,
      push: 'true',
      username: user,
      password,
    };
    const refused = await runAction(inputs);
    expect(refused.main.exitCode).not.toBe(0);
    expect(errorsOf(refused.main)).toMatch(
      new RegExp(`^Cannot trust the TLS certificate of ${secure.address}: \\w+\\. Set 'ca-file'`),
    );
    const trusted = await runAction(inputs, { env: { NODE_EXTRA_CA_CERTS: ca.caFile } });
    expect(errorsOf(trusted.main)).toBe('');
    expect(trusted.outputs.digest).toMatch(/^sha256:/);
  });

  test('attestations travel with their image and are never platforms; strip leaves them out', async () => {
    const sources = `${src.address}/acme/multi:1\n${src.address}/acme/app:amd64`;
    const kept = await runAction({ sources, tags: `${dst.address}/acme/with-att:1`, push: 'true' });
    expect(errorsOf(kept.main)).toBe('');
    const index = JSON.parse(
      (await readManifest({ url: dst.url }, 'acme/with-att', '1')).toString(),
    ) as Index;
    const attestations = index.manifests.filter((m) => m.annotations?.['vnd.docker.reference.type']);
    expect(attestations.map((a) => a.digest).sort()).toEqual(multiAttestations.map((a) => a.digest).sort());
    const images = index.manifests.filter((m) => !m.annotations?.['vnd.docker.reference.type']);
    expect(platformsOf(images)).toEqual(['linux/amd64', 'linux/arm/v7', 'linux/ppc64le']);
    for (const a of attestations) {
      expect(images.map((i) => i.digest)).toContain(a.annotations?.['vnd.docker.reference.digest']);
      expect(sha256(await readManifest({ url: dst.url }, 'acme/with-att', a.digest))).toBe(a.digest);
    }
    expect(Object.keys(JSON.parse(kept.outputs['platform-digests'] ?? '{}') as object).sort()).toEqual([
      'linux/amd64',
      'linux/arm/v7',
      'linux/ppc64le',
    ]);

    const stripped = await runAction({
      sources,
      tags: `${dst.address}/acme/no-att:1`,
      push: 'true',
      attestations: 'strip',
    });
    expect(errorsOf(stripped.main)).toBe('');
    const bare = JSON.parse((await readManifest({ url: dst.url }, 'acme/no-att', '1')).toString()) as Index;
    expect(bare.manifests.filter((m) => m.annotations)).toEqual([]);
    expect(bare.manifests).toHaveLength(3);

    const docker = await runAction({
      sources,
      tags: `${dst.address}/acme/docker:1`,
      push: 'true',
      'index-format': 'docker',
    });
    expect(errorsOf(docker.main)).toMatch(/^Input 'index-format' is docker, but .*attestations: strip/);
    expect(multi.digest).toMatch(/^sha256:/);
  });

  test('token auth: pull on sources, one token for both repositories when mounting, a rejected token renewed', async () => {
    const ep = { url: tok.url, user, password, ca: readFileSync(ca.caFile, 'utf8') };
    await pushImage(ep, 'acme/src-amd64', { platform: 'linux/amd64' }, '1');
    await pushImage(ep, 'acme/src-arm64', { platform: 'linux/arm64' }, '1');
    const before = tokens.requests.length;
    tokens.expireNextPushToken = true;
    const run = await runAction({
      sources: `${tok.address}/acme/src-amd64:1, ${tok.address}/acme/src-arm64:1`,
      tags: `${tok.address}/acme/merged:1`,
      push: 'true',
      username: user,
      password,
      'ca-file': ca.caFile,
    });
    expect(errorsOf(run.main)).toBe('');
    expect(run.main.log).toMatch(/Blobs: 0 uploaded \(0 bytes\), 4 mounted, 0 already there/);
    const asked = tokens.requests.slice(before);
    expect(asked.some((r) => r.expired)).toBe(true);
    expect(asked).toContainEqual(
      expect.objectContaining({ scopes: ['repository:acme/src-amd64:pull'], status: 200 }),
    );
    expect(asked).toContainEqual(
      expect.objectContaining({
        scopes: ['repository:acme/merged:pull,push', 'repository:acme/src-amd64:pull'],
      }),
    );
    expect(sha256(await readManifest(ep, 'acme/merged', '1'))).toBe(run.outputs.digest);
    expect(leaks(run, password)).toEqual([]);
    // Every bearer token issued to the action is masked, never printed.
    const issued = asked.flatMap((r) => (r.token ? [r.token] : []));
    expect(issued.length).toBeGreaterThan(0);
    for (const token of issued) {
      expect(leaks(run, token)).toEqual([]);
      expect(run.main.log).toContain(`::add-mask::${token}`);
    }

    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    const denied = await runAction({
      sources: `${tok.address}/acme/src-amd64:1`,
      tags: `${tok.address}/acme/denied:1`,
      push: 'true',
      username: user,
      password: wrong,
      'ca-file': ca.caFile,
    });
    expect(denied.main.exitCode).not.toBe(0);
    // The pre-flight of the target asks first, before any source is read.
    const error = errorsOf(denied.main);
    expect(error).toMatch(
      new RegExp(
        `^Cannot get a token for repository:acme/denied:pull,push on ${tok.address} from https://127\\.0\\.0\\.1:\\d+/token: 401`,
      ),
    );
    expect(error).toContain(`user '${user}' (from inputs 'username' and 'password')`);
    expect(error).not.toContain(wrong);
  });

  test('bad sources fail before anything is written, naming the value and what is valid', async () => {
    const run = await runAction({
      sources: `${src.address}/acme/App:1`,
      tags: `${dst.address}/acme/bad:1`,
      push: 'true',
    });
    expect(errorsOf(run.main)).toMatch(
      /^Input 'sources' has invalid reference '.*\/acme\/App:1': .*lowercase.*; use name:tag, name@sha256:<digest> or oci-archive:PATH/,
    );
    const missing = await runAction({
      sources: `${src.address}/acme/app:nope`,
      tags: `${dst.address}/acme/bad:1`,
      push: 'true',
    });
    expect(errorsOf(missing.main)).toMatch(
      new RegExp(`^Source '${src.address}/acme/app:nope' was not found on ${src.address}`),
    );
    const twice = await runAction({
      sources: `${src.address}/acme/app:amd64, ${src.address}/acme/app:amd64`,
      tags: `${dst.address}/acme/bad:1`,
      push: 'true',
    });
    expect(errorsOf(twice.main)).toMatch(/are both linux\/amd64; an index lists each platform once/);
  });
});
