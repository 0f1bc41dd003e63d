// Maps OCI architectures to QEMU's names and ELF identification, and says
// which the host runs natively (pure).
import { formatPlatform, hostArchitecture, type Platform } from '../platform.js';

export interface ArchInfo {
  /** QEMU's name: qemu-<qemu>, qemu-<qemu>-static, <qemu>-binfmt-P. */
  qemu: string;
  /** ELF e_machine. */
  machine: number;
  bits: 32 | 64;
  bigEndian: boolean;
  /** e_flags a minimal executable needs (ABI version and the like). */
  elfFlags: number;
}

const ARCHS: Record<string, ArchInfo> = {
  amd64: { qemu: 'x86_64', machine: 62, bits: 64, bigEndian: false, elfFlags: 0 },
  '386': { qemu: 'i386', machine: 3, bits: 32, bigEndian: false, elfFlags: 0 },
  arm64: { qemu: 'aarch64', machine: 183, bits: 64, bigEndian: false, elfFlags: 0 },
  arm: { qemu: 'arm', machine: 40, bits: 32, bigEndian: false, elfFlags: 0x05000000 }, // EABI5
  ppc64le: { qemu: 'ppc64le', machine: 21, bits: 64, bigEndian: false, elfFlags: 2 }, // ELFv2
  s390x: { qemu: 's390x', machine: 22, bits: 64, bigEndian: true, elfFlags: 0 },
  riscv64: { qemu: 'riscv64', machine: 243, bits: 64, bigEndian: false, elfFlags: 0 },
  mips64le: { qemu: 'mips64el', machine: 8, bits: 64, bigEndian: false, elfFlags: 0x80000007 }, // 64r2, n64
  loong64: { qemu: 'loongarch64', machine: 258, bits: 64, bigEndian: false, elfFlags: 0x43 }, // LP64D
};

export function archInfo(architecture: string): ArchInfo {
  const info = ARCHS[architecture];
  if (!info) throw new Error(`no QEMU emulator is known for architecture '${architecture}'`);
  return info;
}

export function qemuName(p: Platform): string {
  if (!ARCHS[p.architecture]) throw new Error(`no QEMU emulator is known for ${formatPlatform(p)}`);
  return archInfo(p.architecture).qemu;
}

/**
 * 32-bit architectures a 64-bit host may run without emulation, when its
 * kernel and CPU allow (IA32 emulation on x86_64; AArch32 at EL0 on arm64,
 * which many arm64 CPUs and kernels lack): the probe decides, never the table.
 */
const COMPAT: Record<string, string> = { amd64: '386', arm64: 'arm' };

export function isHostArchitecture(p: Platform, nodeArch: string): boolean {
  return hostArchitecture(nodeArch) === p.architecture;
}

/** The 32-bit architecture this host might run natively, if any. */
export function compatArchitecture(nodeArch: string): string | undefined {
  const host = hostArchitecture(nodeArch);
  return host ? COMPAT[host] : undefined;
}
