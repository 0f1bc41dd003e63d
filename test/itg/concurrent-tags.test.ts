// Two merges pushing the same tags at once (issue 15, item 5): both succeed,
// each tag ends at one of the two complete indexes, never a mix, and each
// run's `digest` output is the index it pushed. A proxy makes the two runs'
// PUTs of each tag land together, so the race happens on every run of the
// test, not by luck. Results are read straight from the registry.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, startAction } from '../../support/action-runner.js';
import { platformsOf, pushImage, readManifest, sha256, type Pushed } from '../../support/images.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { useSourceAndTarget } from '../helpers/source-and-target.js';
import { startRendezvousProxy, type RendezvousProxy } from '../helpers/rendezvous-proxy.js';

const skip = skipWithoutPrereqs();
const TAGS = ['1', '1.0', 'latest'];

describe.skipIf(skip)('two runs pushing the same tags at once', () => {
  const reg = useSourceAndTarget();
  let proxy: RendezvousProxy;

  beforeAll(async () => {
    proxy = await startRendezvousProxy(reg.dst.address);
    for (const platform of ['linux/amd64', 'linux/arm64', 'linux/s390x'])
      await pushImage({ url: reg.src.url }, 'acme/app', { platform }, platform.split('/')[1]);
  });
  afterAll(async () => {
    await proxy?.stop();
  });

  test('both succeed; every tag is one run’s whole index; each digest output is what that run pushed', async () => {
    const merge = (second: string) =>
      startAction({
        sources: `${reg.src.address}/acme/app:amd64\n${reg.src.address}/acme/app:${second}`,
        tags: TAGS.map((t) => `${proxy.address}/acme/race:${t}`).join('\n'),
        push: 'true',
      });
    const [a, b] = await Promise.all([merge('arm64').finish(), merge('s390x').finish()]);
    expect(errorsOf(a.main)).toBe('');
    expect(errorsOf(b.main)).toBe('');
    expect([a.main.exitCode, b.main.exitCode]).toEqual([0, 0]);
    expect(proxy.met.length, 'the two runs PUT the same tag at the same moment').toBeGreaterThan(0);
    const pushed = {
      [a.outputs.digest ?? 'a']: 'linux/amd64,linux/arm64',
      [b.outputs.digest ?? 'b']: 'linux/amd64,linux/s390x',
    };
    expect(Object.keys(pushed)).toHaveLength(2);
    for (const [digest, platforms] of Object.entries(pushed)) {
      const index = JSON.parse(
        (await readManifest({ url: reg.dst.url }, 'acme/race', digest)).toString(),
      ) as {
        manifests: Pushed[];
      };
      expect(platformsOf(index.manifests).join(','), `${digest} is the index of ${platforms}`).toBe(
        platforms,
      );
      for (const m of index.manifests)
        expect(sha256(await readManifest({ url: reg.dst.url }, 'acme/race', m.digest))).toBe(m.digest);
    }
    for (const tag of TAGS) {
      const served = sha256(await readManifest({ url: reg.dst.url }, 'acme/race', tag));
      expect(Object.keys(pushed), `tag ${tag}`).toContain(served);
    }
  });
});
