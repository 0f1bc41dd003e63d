// Several targets in one run, and the air-gapped archive: the same index
// digest everywhere, checked with skopeo (an independent client).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, runAction } from '../helpers/action-runner.js';
import { exampleContext } from '../helpers/contexts.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';

const skip = skipWithoutPrereqs();

function servedDigest(ref: string): string {
  const raw = execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]);
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

describe.skipIf(skip)('targets', () => {
  let a: TestRegistry;
  let b: TestRegistry;
  let context: string;
  let scratch: string;

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
    expect(existsSync(archive)).toBe(true);
    expect(existsSync(`${archive}.partial`)).toBe(false);

    // Carried into a "closed network": imported by skopeo, same index, every platform runs.
    const c = await startRegistry();
    try {
      const imported = `${c.address}/intranet/app:1.0`;
      execFileSync(
        'skopeo',
        ['copy', '--all', '--dest-tls-verify=false', `oci-archive:${archive}`, `docker://${imported}`],
        { stdio: 'pipe' },
      );
      expect(servedDigest(imported)).toBe(run.outputs.digest);
      for (const [platform, arch] of [
        ['linux/arm64', 'aarch64'],
        ['linux/s390x', 's390x'],
      ]) {
        const pinned = `${c.address}/intranet/app@${run.outputs.digest}`;
        try {
          const out = execFileSync(
            'docker',
            ['run', '--rm', '--network', 'host', '--platform', platform as string, pinned],
            { encoding: 'utf8' },
          );
          expect(out.trim()).toBe(arch);
        } finally {
          execFileSync('docker', ['image', 'rm', '--force', pinned], { stdio: 'ignore' });
        }
      }
    } finally {
      await c.stop();
    }
  });
});
