// Running a pushed image the way the tests check what a build put inside it:
// `docker run --rm` on the host network (as one platform of an index when
// asked), then the pulled image removed, so the engine keeps nothing and the
// next platform of the same digest is pulled afresh (Docker 20.10 keeps one
// platform per digest).
import { execFileSync } from 'node:child_process';

export interface RunImageOptions {
  /** `--platform`: which image of an index runs (emulated where needed). */
  platform?: string;
  /** The command and its arguments; the image's own when empty. */
  command?: string[];
}

/** What the image at `ref` prints (trimmed), the image removed from the engine afterwards. */
export function runImage(ref: string, options: RunImageOptions = {}): string {
  const platform = options.platform ? ['--platform', options.platform] : [];
  try {
    return execFileSync(
      'docker',
      ['run', '--rm', '--network', 'host', ...platform, ref, ...(options.command ?? [])],
      {
        encoding: 'utf8',
      },
    ).trim();
  } finally {
    execFileSync('docker', ['image', 'rm', '--force', ref], { stdio: 'ignore' });
  }
}
