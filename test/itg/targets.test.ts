// Several targets in one run, and the air-gapped archive: the same index
// digest everywhere, checked with skopeo (an independent client). The archive
// is then imported by the action itself (merge-only with sources:
// oci-archive:PATH), as skopeo writes it too, and a bad one fails early.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readTarIndex } from '../../src/oci/tar-index.js';
import type { ImageIndex, ImageManifest } from '../../src/oci/types.js';
import { errorsOf, runAction } from '../../support/action-runner.js';
import { exampleContext } from '../../support/contexts.js';
import { runImage } from '../helpers/run-image.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { skopeoCopyAll, skopeoRaw } from '../helpers/skopeo.js';
import { catalog, startRegistry, type TestRegistry } from '../../support/registry.js';

const skip = skipWithoutPrereqs();

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

function servedDigest(ref: string): string {
  return sha256(skopeoRaw(ref));
}

const ARCHES: [string, string][] = [
  ['linux/amd64', 'x86_64'],
  ['linux/arm64', 'aarch64'],
  ['linux/s390x', 's390x'],
];

/** Each platform of the index at `pinned` runs, as that CPU: what the example's RUN step recorded. */
function expectPlatformsRun(pinned: string, platforms: [string, string][]): void {
  for (const [platform, arch] of platforms) {
    expect({ platform, out: runImage(pinned, { platform }) }).toEqual({ platform, out: arch });
  }
}

describe.skipIf(skip)('targets', () => {
  let a: TestRegistry;
  let b: TestRegistry;
  let context: string;
  let scratch: string;
  /** What the first test built and archived; the import tests start from it. */
  let built: { archive: string; digest: string; platformDigests: Record<string, string> } | undefined;
  const archived = () => {
    if (!built) throw new Error('the archive test did not pass; nothing to import');
    return built;
  };

  beforeAll(async () => {
    [a, b] = await Promise.all([startRegistry(), startRegistry()]);
    context = exampleContext('hello');
    scratch = mkdtempSync(path.join(os.tmpdir(), 'archive-'));
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    for (const d of [context, scratch]) if (d) rmSync(d, { recursive: true, force: true });
  });

  test('tags on two registries: blobs go to each, one index digest everywhere; the OCI archive round-trips to a third', async () => {
    const archive = path.join(scratch, 'hello.oci.tar');
    const tags = [`${a.address}/acme/app:1.0`, `${a.address}/mirror/app:1.0`, `${b.address}/acme/app:1.0`];
    const run = await runAction({
      platforms: 'linux/amd64,linux/arm64,linux/s390x',
      context,
      tags: tags.join('\n'),
      push: 'true',
      network: 'host',
      'oci-archive': archive,
    });
    expect(errorsOf(run.main)).toBe('');
    for (const tag of tags)
      expect({ tag, digest: servedDigest(tag) }).toEqual({ tag, digest: run.outputs.digest });
    // mirror/app is on acme/app's registry: its blobs are mounted from there, not sent again.
    const [, uploaded, mounted] =
      /Blobs: (\d+) uploaded \(\d+ bytes\), (\d+) mounted/.exec(run.main.log) ?? [];
    expect(Number(mounted)).toBeGreaterThan(0);
    expect(Number(uploaded)).toBe(2 * Number(mounted)); // once to each registry, mounted on the second repository
    expect(existsSync(archive)).toBe(true);
    expect(existsSync(`${archive}.partial`)).toBe(false);

    // Carried into a "closed network": imported by skopeo, same index, every platform runs.
    const c = await startRegistry();
    try {
      const imported = `${c.address}/intranet/app:1.0`;
      skopeoCopyAll(`oci-archive:${archive}`, `docker://${imported}`);
      expect(servedDigest(imported)).toBe(run.outputs.digest);
      expectPlatformsRun(`${c.address}/intranet/app@${run.outputs.digest}`, ARCHES.slice(1));
    } finally {
      await c.stop();
    }
    built = {
      archive,
      digest: run.outputs.digest ?? '',
      platformDigests: JSON.parse(run.outputs['platform-digests'] ?? '{}') as Record<string, string>,
    };
  });

  test('the action imports its own archive (sources: oci-archive:, relative to the workspace): same index digest, every platform runs', async () => {
    const { digest, platformDigests } = archived();
    const c = await startRegistry();
    try {
      const tag = `${c.address}/intranet/app:1.0`;
      const run = await runAction(
        { sources: 'oci-archive:hello.oci.tar:1.0', tags: tag, push: 'true' },
        { cwd: scratch },
      );
      expect(errorsOf(run.main)).toBe('');
      expect(run.main.log).not.toMatch(/Registering QEMU|Starting local registry|Building/);
      expect(run.main.log).toContain(`oci-archive:${scratch}/hello.oci.tar:1.0: linux/s390x`);
      expect(run.outputs.digest).toBe(digest);
      expect(JSON.parse(run.outputs['platform-digests'] ?? '')).toEqual(platformDigests);
      expect(servedDigest(tag)).toBe(digest);
      const oras = execFileSync('oras', ['manifest', 'fetch', '--plain-http', tag]);
      expect(sha256(oras)).toBe(digest);
      expectPlatformsRun(`${c.address}/intranet/app@${digest}`, ARCHES);
      expect(run.post.exitCode).toBe(0);
    } finally {
      await c.stop();
    }
  });

  test('a merge job writes the archive too: platforms from a registry, push false, the same index and bytes', async () => {
    const { digest, platformDigests } = archived();
    const file = path.join(scratch, 'merged.oci.tar');
    // The index's platforms as separate sources, as a fan-out merge job gets them.
    const sources = Object.values(platformDigests).map((d) => `${a.address}/acme/app@${d}`);
    const before = await catalog(a.address);
    const run = await runAction({
      sources: sources.join('\n'),
      tags: `${a.address}/acme/merged:1`,
      push: 'false',
      'oci-archive': file,
    });
    expect(errorsOf(run.main)).toBe('');
    expect(run.outputs.digest).toBe(digest);
    expect(await catalog(a.address)).toEqual(before);
    expect(run.main.log).toContain(`Wrote ${digest} with every platform to ${file} (ref 1)`);
    expect(readTarIndex(file).size).toBe(readTarIndex(archived().archive).size);
    const c = await startRegistry();
    try {
      const imported = `${c.address}/intranet/merged:1`;
      skopeoCopyAll(`oci-archive:${file}`, `docker://${imported}`);
      expect(servedDigest(imported)).toBe(digest);
    } finally {
      await c.stop();
    }
  });

  test('an archive skopeo wrote (skopeo copy --all docker://… oci-archive:PATH:REF) imports the images skopeo imports', async () => {
    archived();
    const c = await startRegistry();
    try {
      const written = path.join(scratch, 'skopeo.oci.tar');
      skopeoCopyAll(`docker://${a.address}/acme/app:1.0`, `oci-archive:${written}:v1`);
      skopeoCopyAll(`oci-archive:${written}:v1`, `docker://${c.address}/by-skopeo/app:1.0`);
      const tag = `${c.address}/intranet/app:1.0`;
      const run = await runAction({ sources: `oci-archive:${written}:v1`, tags: tag, push: 'true' });
      expect(errorsOf(run.main)).toBe('');
      expect(servedDigest(tag)).toBe(run.outputs.digest);
      // Image manifests are copied byte for byte: the same digests skopeo's own import has.
      const bySkopeo = JSON.parse(skopeoRaw(`${c.address}/by-skopeo/app:1.0`).toString()) as ImageIndex;
      const platforms = Object.fromEntries(
        bySkopeo.manifests.map((m) => [`${m.platform?.os}/${m.platform?.architecture}`, m.digest]),
      );
      expect(JSON.parse(run.outputs['platform-digests'] ?? '')).toEqual(platforms);
      expectPlatformsRun(`${c.address}/intranet/app@${run.outputs.digest}`, ARCHES);
    } finally {
      await c.stop();
    }
  });

  test('a missing archive fails in input validation, before anything is pushed', async () => {
    const c = await startRegistry();
    try {
      const run = await runAction(
        { sources: 'oci-archive:missing.oci.tar', tags: `${c.address}/intranet/app:1.0`, push: 'true' },
        { cwd: scratch },
      );
      expect(run.main.exitCode).toBe(1);
      expect(errorsOf(run.main)).toBe(
        `Input 'sources' has 'oci-archive:${scratch}/missing.oci.tar', which does not exist. Give an OCI image layout: oci-archive:PATH for a tarball (what 'oci-archive' and skopeo copy --all … oci-archive:PATH write), oci:DIR for a directory; paths are relative to the workspace.`,
      );
      expect(run.main.log).not.toContain('Reading sources');
      expect(await catalog(c.address)).toEqual([]);
      expect(run.post.exitCode).toBe(0);
    } finally {
      await c.stop();
    }
  });

  test('a damaged layer fails the import at once, naming the blob, and tags nothing', async () => {
    const { archive } = archived();
    const damaged = path.join(scratch, 'damaged.oci.tar');
    copyFileSync(archive, damaged);
    const entries = readTarIndex(damaged);
    const bytes = readFileSync(damaged);
    const entry = (name: string) => {
      const e = entries.get(name);
      if (!e) throw new Error(`${damaged} has no ${name}`);
      return e;
    };
    const json = <T>(name: string): T => {
      const { offset, size } = entry(name);
      return JSON.parse(bytes.subarray(offset, offset + size).toString()) as T;
    };
    const blob = (digest = '') => `blobs/sha256/${digest.slice(7)}`;
    const index = json<ImageIndex>(blob(json<ImageIndex>('index.json').manifests[0]?.digest));
    const layer = json<ImageManifest>(blob(index.manifests[0]?.digest)).layers[0]?.digest ?? '';
    const at = entry(blob(layer)).offset;
    bytes[at + 100] = (bytes[at + 100] ?? 0) ^ 0xff;
    writeFileSync(damaged, bytes);
    const c = await startRegistry();
    try {
      const tag = `${c.address}/intranet/app:1.0`;
      const run = await runAction({ sources: `oci-archive:${damaged}`, tags: tag, push: 'true' });
      expect(run.main.exitCode).toBe(1);
      expect(errorsOf(run.main)).toMatch(
        new RegExp(
          `^Blob ${layer} in oci-archive:${damaged} is damaged: its bytes hash to sha256:[0-9a-f]{64}\\. Copy or write the archive again\\.$`,
        ),
      );
      expect(run.main.log).not.toContain('Retrying');
      const res = await fetch(`http://${c.address}/v2/intranet/app/manifests/1.0`);
      expect(res.status).toBe(404);
    } finally {
      await c.stop();
    }
  });
});
