// SIGTERM while the merge uploads large blobs (issue 15, item 4): running
// uploads stop within about a second, no index or tag reaches the target, the
// message counts the blobs that did (checked against the registry's own
// storage), and post cleans up. The target sits behind a proxy that carries
// uploads at 8 MB/s each, like a slow uplink, so the SIGTERM lands mid-upload.
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, startAction } from '../../support/action-runner.js';
import { pushImage } from '../../support/images.js';
import type { TestRegistry } from '../../support/registry.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { useSourceAndTarget } from '../helpers/source-and-target.js';
import { startSlowProxy, type SlowProxy } from '../helpers/slow-proxy.js';

const skip = skipWithoutPrereqs();
const MB = 1024 * 1024;

/** Every file under dir, recursively. */
function files(dir: string): string[] {
  let out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    out = e.isDirectory() ? out.concat(files(p)) : out.concat(p);
  }
  return out;
}

/** The blobs a registry has committed (its filesystem storage). */
function blobFiles(registry: TestRegistry): string[] {
  const dir = path.join(registry.dir, 'data', 'docker', 'registry', 'v2', 'blobs');
  try {
    return files(dir)
      .filter((f) => f.endsWith(`${path.sep}data`))
      .sort();
  } catch {
    return [];
  }
}

describe.skipIf(skip)('cancelling the merge', () => {
  const reg = useSourceAndTarget();
  let slow: SlowProxy;

  beforeAll(async () => {
    slow = await startSlowProxy(reg.dst.address, 8 * MB);
    await pushImage({ url: reg.src.url }, 'acme/big', { platform: 'linux/386', layerBytes: 2 * MB }, 'small');
    // Three big layers and the small one fill the 4 upload slots at once (largest first): the small
    // one lands while the big ones still run.
    for (const arch of ['amd64', 'arm64', 's390x'])
      await pushImage(
        { url: reg.src.url },
        'acme/big',
        { platform: `linux/${arch}`, layerBytes: 48 * MB },
        arch,
      );
  }, 120_000);
  afterAll(async () => {
    await slow?.stop();
  });

  test('SIGTERM mid-upload: uploads stop within a second, nothing is tagged, the message counts what landed', async () => {
    const started = startAction({
      sources: ['small', 'amd64', 'arm64', 's390x'].map((t) => `${reg.src.address}/acme/big:${t}`).join('\n'),
      tags: `${slow.address}/acme/cancelled:1`,
      push: 'true',
    });
    const big = () => slow.uploads.filter((u) => u.url.includes('digest=') && u.bytes > 4 * MB);
    while (big().length < 2 || blobFiles(reg.dst).length === 0) {
      if (started.main.child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const sent = Date.now();
    const running = slow.uploads.filter((u) => u.closed === undefined);
    started.main.child.kill('SIGTERM');
    const main = await started.main.done;
    const exitedMs = Date.now() - sent;
    console.log(`SIGTERM with ${running.length} uploads running -> main exited in ${exitedMs} ms`);
    expect(running.length, 'uploads were running at the SIGTERM').toBeGreaterThan(0);
    // A process that has exited uploads nothing more: the runner's SIGKILL comes seconds after.
    expect(exitedMs).toBeLessThan(1_500);
    const landed = blobFiles(reg.dst);
    // The proxy still forwards what sat in socket buffers; none of it may complete a blob.
    const deadline = Date.now() + 15_000;
    while (slow.uploads.some((u) => u.closed === undefined) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(blobFiles(reg.dst), 'no blob landed after the SIGTERM').toEqual(landed);
    const run = await started.finish();
    expect(main.exitCode).not.toBe(0);
    expect(run.main.exitCode).not.toBe(0);
    const storage = path.join(reg.dst.dir, 'data', 'docker', 'registry', 'v2');
    const all = files(storage);
    expect(
      all.filter((f) => f.includes('_manifests')),
      'no manifest, index or tag',
    ).toEqual([]);
    const blobs = all.filter(
      (f) => f.includes(`${path.sep}blobs${path.sep}`) && f.endsWith(`${path.sep}data`),
    );
    const bytes = blobs.reduce((n, f) => n + statSync(f).size, 0);
    expect(blobs.length, 'some blobs landed before the SIGTERM').toBeGreaterThan(0);
    const [first, second = ''] = errorsOf(run.main).split('\n');
    expect(first).toBe(
      'Cancelled by SIGTERM: stopping running builds and uploads; nothing more will be pushed.',
    );
    // What the action counted landed; an upload whose answer the SIGTERM cut is named as one that may have.
    const said =
      /^Cancelled by SIGTERM: running builds and uploads were stopped; (\d+) blobs \(([\d.]+) MB\) were uploaded untagged(?: \((\d+) more (?:was|were) being uploaded and may have landed\))?; nothing was tagged\.$/.exec(
        second,
      );
    expect(said, second).not.toBeNull();
    const counted = Number(said?.[1]);
    const maybe = Number(said?.[3] ?? 0);
    expect(counted).toBeLessThanOrEqual(blobs.length);
    expect(blobs.length).toBeLessThanOrEqual(counted + maybe);
    if (counted === blobs.length) expect(said?.[2]).toBe((bytes / 1e6).toFixed(1));
    expect(run.main.log).not.toMatch(/Retrying in/);
    expect(run.post.exitCode).toBe(0);
    expect(readdirSync(run.runnerTemp).filter((d) => d.startsWith('multiarch-'))).toEqual([]);
  });
});
