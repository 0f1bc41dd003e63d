// Maps platforms to QEMU's names and says which the host runs natively (pure).
import { formatPlatform, type Platform } from '../platform.js';

const QEMU_NAMES: Record<string, string> = {
  amd64: 'x86_64',
  '386': 'i386',
  arm64: 'aarch64',
  arm: 'arm',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  mips64le: 'mips64el',
  loong64: 'loongarch64',
};

export function qemuName(p: Platform): string {
  const name = QEMU_NAMES[p.architecture];
  if (!name) throw new Error(`no QEMU emulator is known for ${formatPlatform(p)}`);
  return name;
}

/** Node's os.arch() -> the architectures that host executes without emulation. */
const NATIVE: Record<string, readonly string[]> = {
  x64: ['amd64', '386'],
  arm64: ['arm64'],
  arm: ['arm'],
  ppc64: ['ppc64le'],
  s390x: ['s390x'],
  riscv64: ['riscv64'],
  loong64: ['loong64'],
};

export function isNative(p: Platform, hostArch: string): boolean {
  return NATIVE[hostArch]?.includes(p.architecture) ?? false;
}
