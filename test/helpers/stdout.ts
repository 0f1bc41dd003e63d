// What a piece of code under test wrote to stdout, where @actions/core writes
// its ::warning::, ::add-mask:: and info lines: process.stdout.write is
// swapped for the call and put back in finally.

/** Runs fn (awaited when it returns a promise) and answers what it wrote to stdout. */
export async function stdoutOf(fn: () => unknown): Promise<string> {
  const writes: string[] = [];
  const orig = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string) => (writes.push(String(chunk)), true);
  try {
    await fn();
  } finally {
    process.stdout.write = orig;
  }
  return writes.join('');
}
