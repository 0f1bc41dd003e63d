import { createServer } from 'node:net';
import { expect, test } from 'vitest';
import { cancel } from '../../../src/cancel.js';
import { RawSink } from '../../../src/blob-path/raw-http.js';

// Its own file: cancel() aborts the run's one signal for good.
test('a cancelled job stops a raw upload at once, with the cancellation as the reason', async () => {
  const server = createServer((s) => s.resume()); // takes the body, never answers
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  try {
    const sink = new RawSink('PUT', new URL(`http://127.0.0.1:${port}/v2/a/blobs/uploads/x`), {
      'content-length': String(1 << 30),
    });
    await sink.write(Buffer.alloc(64 * 1024));
    const answer = sink.finish();
    cancel('SIGINT');
    await expect(answer).rejects.toThrow(/Cancelled by SIGINT/);
  } finally {
    server.close();
  }
});
