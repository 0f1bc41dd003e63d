// Whether a process (a registry the action started, say) still runs. A zombie
// has exited (it holds no port or file): once the run that started it has
// ended, it waits for pid 1 to reap it, which some pid 1s do late.
import { readFileSync } from 'node:fs';

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
