// Merge-only mode through a fault-injecting proxy in front of source and
// target (every 3rd request: 503, 429 with Retry-After, reset, cut body), and
// through one that refuses large bodies with 413. dist/ runs as the runner
// runs it; results are read straight from the registries, not via the proxy.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, runAction } from '../../support/action-runner.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { platformsOf, pushImage, readManifest, sha256, type Pushed } from '../../support/images.js';
import { pushMergeSources } from '../helpers/merge-sources.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { skopeoRaw } from '../helpers/skopeo.js';
import { useSourceAndTarget } from '../helpers/source-and-target.js';

const skip = skipWithoutPrereqs();

interface Index {
  manifests: Pushed[];
}

describe.skipIf(skip)('merge-only mode under faults', () => {
  const reg = useSourceAndTarget();
  let images: Record<string, Pushed>;

  beforeAll(async () => {
    ({ images } = await pushMergeSources({ url: reg.src.url }));
  });

  describe('through a fault-injecting proxy', () => {
    let srcProxy: FaultProxy;
    let dstProxy: FaultProxy;
    beforeAll(async () => {
      srcProxy = await startFaultProxy(reg.src.address, { every: 3 });
      dstProxy = await startFaultProxy(reg.dst.address, { every: 3 });
    });
    afterAll(async () => {
      await srcProxy?.stop();
      await dstProxy?.stop();
    });

    test('every 3rd request fails (503, 429, reset, cut body): the merge completes and the index is right', async () => {
      const run = await runAction({
        sources: [
          `${srcProxy.address}/acme/app:amd64`,
          `${srcProxy.address}/acme/app:arm64`,
          `${srcProxy.address}/acme/app:s390x`,
          `${srcProxy.address}/acme/multi:1`,
        ].join('\n'),
        tags: `${dstProxy.address}/acme/faulty:1\n${dstProxy.address}/acme/faulty:2`,
        push: 'true',
      });
      expect(errorsOf(run.main)).toBe('');
      const injected = { src: srcProxy.counts, dst: dstProxy.counts };
      for (const fault of ['503', '429', 'reset', 'truncate'] as const)
        expect(injected.src[fault] + injected.dst[fault], `${fault} injected`).toBeGreaterThan(0);
      expect(run.main.log).toContain('Retrying');
      // Read straight from the registry, not through the proxy.
      const bytes = await readManifest({ url: reg.dst.url }, 'acme/faulty', '1');
      expect(sha256(bytes)).toBe(run.outputs.digest);
      expect(sha256(await readManifest({ url: reg.dst.url }, 'acme/faulty', '2'))).toBe(run.outputs.digest);
      const index = JSON.parse(bytes.toString()) as Index;
      expect(platformsOf(index.manifests.filter((m) => !m.annotations))).toEqual([
        'linux/amd64',
        'linux/arm/v7',
        'linux/arm64',
        'linux/ppc64le',
        'linux/s390x',
      ]);
      for (const m of index.manifests)
        expect(sha256(await readManifest({ url: reg.dst.url }, 'acme/faulty', m.digest))).toBe(m.digest);
      const copied = skopeoRaw(`${reg.dst.address}/acme/faulty@${images['linux/s390x']?.digest}`);
      expect(sha256(copied)).toBe(images['linux/s390x']?.digest);
    });
  });

  /** One image for `platform` with a layer of `layerBytes`, pushed to the source as acme/big:`tag`. */
  const pushBig = (platform: string, layerBytes: number, tag: string) =>
    pushImage({ url: reg.src.url }, 'acme/big', { platform, layerBytes }, tag);

  test('chunks refused before the registry saw them (503, 429, reset) are sent again in place', async () => {
    // 6 MiB in 512 KiB chunks is 13 requests an attempt, so with every 3rd request failing a
    // restarted upload never gets through; resuming the session at the failed chunk does.
    // (A PATCH whose answer is lost after the registry took it cannot be resumed: distribution
    // cancels a session resumed at a stale offset, so that costs the whole upload.)
    const big = await pushBig('linux/mips64le', 6 * 1024 * 1024 + 5, 'faulty');
    const proxy = await startFaultProxy(reg.dst.address, {
      maxBodyBytes: 1024 * 1024,
      every: 3,
      faults: ['503', '429', 'reset'],
    });
    try {
      const run = await runAction({
        sources: `${reg.src.address}/acme/big:faulty`,
        tags: `${proxy.address}/acme/chunked-faulty:1`,
        push: 'true',
      });
      expect(errorsOf(run.main)).toBe('');
      expect(proxy.counts['413']).toBeGreaterThan(0);
      expect(proxy.counts['503'] + proxy.counts['429'] + proxy.counts.reset).toBeGreaterThan(0);
      expect(run.main.log).toMatch(/Retrying in \d+\.\d s \(\d+\/\d+\): the chunk at byte \d+ of sha256:/);
      expect(sha256(await readManifest({ url: reg.dst.url }, 'acme/chunked-faulty', big.digest))).toBe(
        big.digest,
      );
    } finally {
      await proxy.stop();
    }
  });

  test('a proxy that refuses large bodies (413) gets chunked uploads', async () => {
    const big = await pushBig('linux/riscv64', 3 * 1024 * 1024 + 17, '1');
    const limited = await startFaultProxy(reg.dst.address, { maxBodyBytes: 1024 * 1024 });
    try {
      const run = await runAction({
        sources: `${reg.src.address}/acme/big:1`,
        tags: `${limited.address}/acme/chunked:1`,
        push: 'true',
      });
      expect(errorsOf(run.main)).toBe('');
      expect(limited.counts['413']).toBeGreaterThan(0);
      // The 413 arrives either as an answer or, when the proxy closes first, as a broken send.
      expect(run.main.log).toMatch(
        /refused .* as too large \((413|the connection broke while sending)\); uploading in chunks/,
      );
      expect(JSON.parse(run.outputs['platform-digests'] ?? '{}')).toEqual({ 'linux/riscv64': big.digest });
      expect(sha256(await readManifest({ url: reg.dst.url }, 'acme/chunked', big.digest))).toBe(big.digest);
    } finally {
      await limited.stop();
    }
  });
});
