// Local stand-ins for the QEMU images (no Docker Hub here), built FROM scratch
// with this machine's static busybox, Debian's register lines and its
// qemu-user-static interpreters.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../../support/action-runner.js';
import { BUSYBOX_DIR } from '../../support/contexts.js';

const QEMUS = ['aarch64', 's390x', 'ppc64le', 'riscv64', 'arm'];

function build(tag: string, script: string, interpreters: (q: string) => string): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'binfmt-image-'));
  try {
    mkdirSync(path.join(dir, 'conf'));
    copyFileSync(path.join(BUSYBOX_DIR, 'amd64', 'busybox'), path.join(dir, 'busybox'));
    copyFileSync(path.join(ROOT, 'test/fixtures/binfmt-images', script), path.join(dir, 'entry.sh'));
    const version = execFileSync('/usr/bin/qemu-aarch64-static', ['--version'], { encoding: 'utf8' });
    writeFileSync(path.join(dir, 'qemu-version'), /version (\d+\.\d+\.\d+)/.exec(version)?.[1] ?? '');
    const copies: string[] = [];
    for (const q of QEMUS) {
      copyFileSync(`/usr/lib/binfmt.d/qemu-${q}.conf`, path.join(dir, 'conf', `qemu-${q}.conf`));
      copyFileSync(`/usr/bin/qemu-${q}-static`, path.join(dir, `qemu-${q}`));
      copies.push(`COPY qemu-${q} ${interpreters(q)}`);
    }
    writeFileSync(
      path.join(dir, 'Dockerfile'),
      [
        'FROM scratch',
        'COPY busybox /bin/busybox',
        'COPY conf /conf',
        'COPY qemu-version /qemu-version',
        ...copies,
        'COPY entry.sh /entry.sh',
        'ENTRYPOINT ["/bin/busybox", "sh", "/entry.sh"]',
      ].join('\n'),
    );
    execFileSync('docker', ['build', '-q', '-t', tag, dir], { stdio: 'ignore' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Implements --install <archs> and --version like tonistiigi/binfmt (F flag, interpreters in the image). */
export function buildInstallImage(tag: string): void {
  build(tag, 'install.sh', (q) => `/usr/bin/qemu-${q}`);
}

/** Implements --reset like multiarch/qemu-user-static:register: registrations WITHOUT the F flag. */
export function buildResetImage(tag: string): void {
  build(tag, 'reset.sh', (q) => `/usr/bin/qemu-${q}-static`);
}

export function removeImage(tag: string): void {
  execFileSync('docker', ['image', 'rm', '--force', tag], { stdio: 'ignore' });
}
