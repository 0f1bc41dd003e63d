// Build contexts for tests: examples/ copied to a temp dir with the static
// busybox of each architecture (from Debian's busybox-static packages).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './action-runner.js';

export const BUSYBOX_DIR = process.env.MULTIARCH_CACHE
  ? `${process.env.MULTIARCH_CACHE}/busybox`
  : '/var/cache/multiarch-action/busybox';

/** Docker's TARGETARCH -> Debian's architecture name. */
const DEBIAN_ARCH: Record<string, string> = {
  amd64: 'amd64',
  arm64: 'arm64',
  s390x: 's390x',
  ppc64le: 'ppc64el',
  riscv64: 'riscv64',
};

export function hasBusybox(targetArch: string): boolean {
  const deb = DEBIAN_ARCH[targetArch];
  return deb !== undefined && existsSync(path.join(BUSYBOX_DIR, deb, 'busybox'));
}

/** Copies busybox for every available arch into <dir>/busybox/<TARGETARCH>. */
export function addBusybox(dir: string): void {
  mkdirSync(path.join(dir, 'busybox'), { recursive: true });
  for (const [target, deb] of Object.entries(DEBIAN_ARCH)) {
    const src = path.join(BUSYBOX_DIR, deb, 'busybox');
    if (existsSync(src)) cpSync(src, path.join(dir, 'busybox', target));
  }
}

/** A fresh copy of examples/<name>, busybox beside every Dockerfile in it, in a temp dir. */
export function exampleContext(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `ctx-${name}-`));
  cpSync(path.join(ROOT, 'examples', name), dir, { recursive: true });
  const withDockerfiles = new Set(
    (readdirSync(dir, { recursive: true }) as string[])
      .filter((f) => path.basename(f).startsWith('Dockerfile'))
      .map((f) => path.dirname(f)),
  );
  for (const sub of withDockerfiles) addBusybox(path.join(dir, sub));
  return dir;
}

/** The first lines of a test Dockerfile: `FROM scratch` (as `stage` when given) with busybox for TARGETARCH. */
export function busyboxPrelude(stage?: string): string {
  return `FROM scratch${stage ? ` AS ${stage}` : ''}\nARG TARGETARCH\nCOPY busybox/\${TARGETARCH} /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n`;
}

/** A temp context with busybox and each file of `dockerfiles` (name -> the lines after the prelude). */
export function busyboxContext(dockerfiles: Record<string, string>, stage?: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ctx-busybox-'));
  addBusybox(dir);
  for (const [name, body] of Object.entries(dockerfiles))
    writeFileSync(path.join(dir, name), busyboxPrelude(stage) + body);
  return dir;
}
