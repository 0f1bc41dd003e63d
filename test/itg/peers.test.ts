// The tools users would otherwise pick, through the same fault-injecting
// proxies as the action: `oras cp -r`, `skopeo copy --all` and `docker buildx
// imagetools create`. Each must work without faults (so the command lines are
// right); with every 3rd request failing, what each does is recorded and
// printed, not asserted: the action is the one that must get through.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, ROOT, runAction } from '../../support/action-runner.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { pushImage, pushIndex, readManifest, sha256, type Pushed } from '../../support/images.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { useSourceAndTarget } from '../helpers/source-and-target.js';

const skip = skipWithoutPrereqs();
const exec = promisify(execFile);

type Tool = 'oras' | 'skopeo' | 'imagetools' | 'action';

function commandFor(tool: Exclude<Tool, 'action'>, from: string, to: string): [string, string[]] {
  if (tool === 'oras') return ['oras', ['cp', '-r', '--from-plain-http', '--to-plain-http', from, to]];
  if (tool === 'skopeo')
    return [
      'skopeo',
      [
        'copy',
        '--all',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        `docker://${from}`,
        `docker://${to}`,
      ],
    ];
  return ['docker', ['buildx', 'imagetools', 'create', '-t', to, from]];
}

interface Outcome {
  tool: Tool;
  faults: boolean;
  ok: boolean;
  seconds: number;
  error: string;
}

describe.skipIf(skip)('peer tools through the fault proxy', () => {
  const reg = useSourceAndTarget();
  let index: Pushed;
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    const ep = { url: reg.src.url };
    const images: Pushed[] = [];
    for (const platform of ['linux/amd64', 'linux/arm64', 'linux/s390x'])
      images.push(await pushImage(ep, 'acme/multi', { platform, layerBytes: 1024 * 1024 }));
    index = await pushIndex(ep, 'acme/multi', '1', images);
  });
  afterAll(() => {
    const table = outcomes.map(
      (o) =>
        `${o.tool.padEnd(10)} faults=${String(o.faults).padEnd(5)} ${o.ok ? 'ok    ' : 'FAILED'} ${o.seconds.toFixed(1)} s ${o.error}`,
    );
    console.log(`Peer tools through the fault proxy:\n${table.join('\n')}`);
    mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
    writeFileSync(path.join(ROOT, '.tmp', 'peers.json'), JSON.stringify(outcomes, null, 2));
  });

  async function attempt(tool: Tool, faults: boolean): Promise<Outcome> {
    const from = await startFaultProxy(reg.src.address, { every: faults ? 3 : 0 });
    const to = await startFaultProxy(reg.dst.address, { every: faults ? 3 : 0 });
    const repo = `acme/${tool}-${faults ? 'faulty' : 'clean'}`;
    const started = Date.now();
    let error = '';
    try {
      if (tool === 'action') {
        const run = await runAction({
          sources: `${from.address}/acme/multi:1`,
          tags: `${to.address}/${repo}:1`,
          push: 'true',
        });
        error = errorsOf(run.main);
      } else {
        const [cmd, args] = commandFor(tool, `${from.address}/acme/multi:1`, `${to.address}/${repo}:1`);
        await exec(cmd, args, { timeout: 180_000 }).catch((err: { stderr?: string; message: string }) => {
          error = (err.stderr || err.message).trim().split('\n').filter(Boolean).slice(-1)[0] ?? 'failed';
        });
      }
    } finally {
      await from.stop();
      await to.stop();
    }
    const served = error
      ? undefined
      : await readManifest({ url: reg.dst.url }, repo, '1').catch(() => undefined);
    const platforms =
      served && (JSON.parse(served.toString()) as { manifests?: unknown[] }).manifests?.length;
    const ok = !error && platforms === 3;
    const outcome = { tool, faults, ok, seconds: (Date.now() - started) / 1000, error: error.slice(0, 300) };
    outcomes.push(outcome);
    return outcome;
  }

  test.each(['oras', 'skopeo', 'imagetools', 'action'] as const)(
    '%s copies the index without faults',
    async (tool) => {
      expect(await attempt(tool, false)).toMatchObject({ ok: true, error: '' });
    },
  );

  test.each(['oras', 'skopeo', 'imagetools'] as const)(
    '%s with every 3rd request failing: recorded',
    async (tool) => {
      const outcome = await attempt(tool, true);
      expect(outcome.ok || outcome.error !== '').toBe(true);
    },
  );

  test('the action with every 3rd request failing gets through, byte for byte', async () => {
    expect(await attempt('action', true)).toMatchObject({ ok: true, error: '' });
    const merged = JSON.parse(
      (await readManifest({ url: reg.dst.url }, 'acme/action-faulty', '1')).toString(),
    ) as {
      manifests: Pushed[];
    };
    const original = JSON.parse((await readManifest({ url: reg.src.url }, 'acme/multi', '1')).toString()) as {
      manifests: Pushed[];
    };
    expect(merged.manifests.map((m) => m.digest).sort()).toEqual(
      original.manifests.map((m) => m.digest).sort(),
    );
    expect(sha256(await readManifest({ url: reg.src.url }, 'acme/multi', '1'))).toBe(index.digest);
  });
});
