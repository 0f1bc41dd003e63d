// The test side of tar-index-worker.ts: index a file in the worker with a
// deadline; past it the worker is terminated (a fresh one takes the next
// file) and the call rejects, so an archive that loops fails its test instead
// of hanging the run.
import { Worker } from 'node:worker_threads';
import type { TarIndexResult } from './tar-index-worker.js';

export interface TarIndexRunner {
  index(file: string, deadlineMs: number): Promise<TarIndexResult>;
  stop(): Promise<void>;
}

export function startTarIndexRunner(): TarIndexRunner {
  let worker = spawn();
  return {
    index: async (file, deadlineMs) => {
      const current = await worker;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          current.removeAllListeners('message');
          void current.terminate();
          worker = spawn();
          reject(new Error(`readTarIndex(${file}) did not return within ${deadlineMs} ms`));
        }, deadlineMs);
        current.once('message', (result: TarIndexResult) => {
          clearTimeout(timer);
          resolve(result);
        });
        current.postMessage(file);
      });
    },
    stop: async () => {
      await (await worker).terminate();
    },
  };
}

/** A worker with tsx's loader, warmed up (its first import takes a few hundred ms). */
async function spawn(): Promise<Worker> {
  const worker = new Worker(new URL('./tar-index-worker.ts', import.meta.url), {
    execArgv: ['--import', 'tsx'],
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () => resolve());
    worker.postMessage('/nonexistent-warm-up');
  });
  return worker;
}
