// Runs readTarIndex in a worker thread, so a test can give up on an archive
// that makes it loop: a synchronous loop cannot be interrupted in the test's
// own thread, a worker can be terminated. Answers each path posted to it.
import { parentPort } from 'node:worker_threads';
import { readTarIndex, TarFormatError } from '../../src/oci/tar-index.js';

export type TarIndexResult = { ok: true; entries: number } | { ok: false; error: string; message: string };

parentPort?.on('message', (file: string) => {
  let result: TarIndexResult;
  try {
    result = { ok: true, entries: readTarIndex(file).size };
  } catch (err) {
    const error =
      err instanceof TarFormatError ? 'TarFormatError' : err instanceof Error ? err.name : 'throw';
    result = { ok: false, error, message: err instanceof Error ? err.message : String(err) };
  }
  parentPort?.postMessage(result);
});
