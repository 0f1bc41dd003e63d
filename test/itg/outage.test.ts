// Riding out outages: the target registry answering 503 (or resetting) to
// every request for a while, in the middle of the merge. Shorter than the
// retry budget (about 60 s without progress) it is ridden out; a permanent one
// ends in a clear error after that budget, having cost a bounded number of
// requests, and no tag moves. dist/ runs as the runner runs it.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, runAction } from '../../support/action-runner.js';
import { pushImage, readManifest, sha256, type Endpoint } from '../../support/images.js';
import { startRegistry, type TestRegistry } from '../../support/registry.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';

const skip = skipWithoutPrereqs();

/** The outage starts with the merge's first blob request, after the pre-flight. */
const duringTheMerge = {
  starts: (req: { method?: string; url?: string }) => /\/blobs\/sha256:/.test(req.url ?? ''),
};

describe.skipIf(skip)('outages of the target', () => {
  let src: TestRegistry;
  let dst: TestRegistry;
  let proxy: FaultProxy | undefined;
  let sources: string;

  beforeAll(async () => {
    src = await startRegistry();
    dst = await startRegistry();
    const ep: Endpoint = { url: src.url };
    for (const platform of ['linux/amd64', 'linux/arm64'])
      await pushImage(ep, 'acme/app', { platform, layerBytes: 256 * 1024 }, platform.split('/')[1]);
    sources = `${src.address}/acme/app:amd64\n${src.address}/acme/app:arm64`;
  });
  afterAll(async () => {
    await proxy?.stop();
    await src?.stop();
    await dst?.stop();
  });

  test('20 s of 503 in the middle of the merge are ridden out; the index is right', async () => {
    proxy = await startFaultProxy(dst.address, { outage: { ...duringTheMerge, ms: 20_000 } });
    const started = Date.now();
    const run = await runAction({ sources, tags: `${proxy.address}/acme/outage:1`, push: 'true' });
    expect(errorsOf(run.main)).toBe('');
    expect(Date.now() - started).toBeGreaterThan(20_000);
    expect(proxy.counts.outage).toBeGreaterThan(0);
    expect(run.main.log).toMatch(/Retrying in \d+\.\d s \(\d+\/\d+\): .*503/);
    expect(sha256(await readManifest({ url: dst.url }, 'acme/outage', '1'))).toBe(run.outputs.digest);
    await proxy.stop();
    proxy = undefined;
  });

  test('a permanent outage gives up after about a minute, with bounded requests and no tag', async () => {
    proxy = await startFaultProxy(dst.address, { outage: { ...duringTheMerge, ms: 0 } });
    const started = Date.now();
    const run = await runAction({ sources, tags: `${proxy.address}/acme/down:1`, push: 'true' });
    const seconds = (Date.now() - started) / 1000;
    expect(run.main.exitCode).not.toBe(0);
    expect(errorsOf(run.main)).toMatch(/^Gave up .* after \d+ attempts: .*503.*run the job again later/);
    expect(seconds).toBeGreaterThan(55);
    expect(seconds).toBeLessThan(120);
    // Each blob's check and upload is one operation with one budget (at most 24 attempts of
    // at most 4 requests); two images' blobs and manifests are far below 200 requests.
    expect(proxy.counts.outage).toBeLessThan(200);
    expect(await readManifest({ url: dst.url }, 'acme/down', '1').catch(() => undefined)).toBeUndefined();
  });
});
