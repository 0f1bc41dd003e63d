// Several target registries: each blob is read from the source once and sent to all of them; a second
// repository on a target registry mounts from the first; an upload that fails on one target retries
// with a read of its own while the others go on. The source sits behind a proxy that records every
// request; dist/ runs as the runner runs it.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, runAction } from '../../support/action-runner.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { pushImage, readManifest, sha256, type Pushed } from '../../support/images.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { startRegistry, type TestRegistry } from '../../support/registry.js';

const skip = skipWithoutPrereqs();
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/s390x'];
const LAYER_BYTES = 3 * 1024 * 1024; // above the lean path's 1 MB

interface Manifest {
  layers: { digest: string }[];
}

describe.skipIf(skip)('each blob read once for every target', () => {
  let src: TestRegistry;
  let srcProxy: FaultProxy;
  const registries: TestRegistry[] = [];
  const proxies: FaultProxy[] = [];
  const images: Pushed[] = [];
  let layers: string[] = [];

  beforeAll(async () => {
    src = await startRegistry();
    for (const platform of PLATFORMS)
      images.push(
        await pushImage(
          { url: src.url },
          'acme/app',
          { platform, layerBytes: LAYER_BYTES },
          platform.split('/')[1],
        ),
      );
    layers = [];
    for (const image of images) {
      const m = JSON.parse(
        (await readManifest({ url: src.url }, 'acme/app', image.digest)).toString(),
      ) as Manifest;
      layers.push(...m.layers.map((l) => l.digest));
    }
  });
  afterAll(async () => {
    for (const p of [srcProxy, ...proxies]) await p?.stop();
    for (const r of [src, ...registries]) await r?.stop();
  });
  const fresh = async () => {
    const r = await startRegistry();
    registries.push(r);
    return r;
  };
  const layerGets = () =>
    layers.map(
      (d) => srcProxy.requests.filter((r) => r.startsWith('GET ') && r.includes(`/blobs/${d}`)).length,
    );
  const sources = () => PLATFORMS.map((p) => `${srcProxy.address}/acme/app:${p.split('/')[1]}`).join(',');

  test('two registries and a second repository on one: each layer read once, the same index on all three', async () => {
    srcProxy = await startFaultProxy(src.address);
    const [a, b] = [await fresh(), await fresh()];
    const tags = [`${a.address}/acme/one:1`, `${b.address}/acme/two:1`, `${a.address}/acme/three:1`];
    const run = await runAction({ sources: sources(), tags: tags.join(','), push: 'true' });
    expect(errorsOf(run.main)).toBe('');
    expect(layerGets()).toEqual([1, 1, 1]);
    expect(run.main.log).toMatch(/Blobs: 12 uploaded \(.*\), 6 mounted/);
    for (const [registry, repo] of [
      [a, 'acme/one'],
      [b, 'acme/two'],
      [a, 'acme/three'],
    ] as const)
      expect(sha256(await readManifest({ url: registry.url }, repo, '1'))).toBe(run.outputs.digest);
    await srcProxy.stop();
  });

  test('one target refuses a layer upload once: it reads that layer again on its own, the other is not held back', async () => {
    srcProxy = await startFaultProxy(src.address);
    const [a, b] = [await fresh(), await fresh()];
    const flaky = await startFaultProxy(b.address, {
      outage: {
        starts: (req) => req.method === 'PUT' && Number(req.headers['content-length'] ?? 0) === LAYER_BYTES,
        ms: 1,
      },
    });
    proxies.push(flaky);
    const run = await runAction({
      sources: sources(),
      tags: `${a.address}/acme/one:1,${flaky.address}/acme/two:1`,
      push: 'true',
    });
    expect(errorsOf(run.main)).toBe('');
    expect(flaky.counts.outage).toBeGreaterThanOrEqual(1);
    const gets = layerGets();
    expect(gets.reduce((n, g) => n + g, 0)).toBe(3 + flaky.counts.outage);
    expect(sha256(await readManifest({ url: a.url }, 'acme/one', '1'))).toBe(run.outputs.digest);
    expect(sha256(await readManifest({ url: b.url }, 'acme/two', '1'))).toBe(run.outputs.digest);
    await srcProxy.stop();
  });
});
