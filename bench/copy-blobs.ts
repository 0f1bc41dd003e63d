// Run by bench/data-path.ts under Node 24 (the action's runtime): copies blobs
// from one registry to another with undici, the way the action's client does,
// one monolithic PUT per blob, all at once, and prints wall and CPU seconds as
// JSON. MODE=verify streams through the action's own DigestVerifier;
// MODE=pass streams the same bytes through a Transform that does not hash.
//
//   node --import tsx bench/copy-blobs.ts SRC DST REPO DIGEST:SIZE...
import { Transform, pipeline, type Readable, type TransformCallback } from 'node:stream';
import { Agent, request } from 'undici';
import { DigestVerifier } from '../src/oci/digest-stream.js';

class PassThrough1M extends Transform {
  constructor() {
    super({ highWaterMark: 1024 * 1024 }); // as DigestVerifier
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    done(null, chunk);
  }
}

const [src, dst, repo, ...blobs] = process.argv.slice(2);
const dispatcher = new Agent({ connections: 16 });

async function copy(digest: string, size: number): Promise<void> {
  const post = await request(`http://${dst}/v2/${repo}/blobs/uploads/`, { method: 'POST', dispatcher });
  await post.body.dump();
  const put = new URL(String(post.headers.location), `http://${dst}`);
  put.searchParams.set('digest', digest);
  const get = await request(`http://${src}/v2/${repo}/blobs/${digest}`, { dispatcher });
  const through: Transform =
    process.env.MODE === 'pass' ? new PassThrough1M() : new DigestVerifier({ mediaType: '', digest, size });
  pipeline(get.body as Readable, through, () => undefined);
  const res = await request(put.toString(), {
    method: 'PUT',
    body: through,
    headers: { 'content-length': String(size), 'content-type': 'application/octet-stream' },
    dispatcher,
  });
  await res.body.dump();
  if (res.statusCode !== 201) throw new Error(`PUT ${digest}: ${res.statusCode}`);
}

const started = performance.now();
const cpu0 = process.cpuUsage();
await Promise.all(
  blobs.map((b) => {
    const [algo, hex, size] = b.split(':');
    return copy(`${algo}:${hex}`, Number(size));
  }),
);
const cpu = process.cpuUsage(cpu0);
await dispatcher.close();
console.log(
  JSON.stringify({ seconds: (performance.now() - started) / 1000, cpu: (cpu.user + cpu.system) / 1e6 }),
);
