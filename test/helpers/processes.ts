// Whether a process (a registry the action started, say) still runs. A zombie
// has exited (it holds no port or file): once the run that started it has
// ended, it waits for pid 1 to reap it, which some pid 1s do late.
import { readdirSync, readFileSync } from 'node:fs';

export function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) [ZX]/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The pids of live processes whose command line contains `text` (read from /proc). */
export function pidsWith(text: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(text);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number)
    .filter((pid) => pid !== process.pid && alive(pid));
}

/** Waits (up to `ms`) until no live process has `text` in its command line; answers those left. */
export async function waitUntilNoneWith(text: string, ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = pidsWith(text);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    left = pidsWith(text);
  }
  return left;
}
