// Builds a minimal static ELF executable per architecture that calls exit(status)
// with one syscall (pure). The emulation probe runs it: a program that exits
// with the chosen status proves the kernel ran it as that CPU, with no files
// from the runner or the network.
import { archInfo, type ArchInfo } from './names.js';

const BASE = 0x400000;

/** Machine code for exit(status), as 32-bit words or bytes, per ELF machine. */
function exitCode(info: ArchInfo, status: number): Buffer {
  const words = (ws: number[]) => {
    const b = Buffer.alloc(ws.length * 4);
    ws.forEach((w, i) =>
      info.bigEndian ? b.writeUInt32BE(w >>> 0, i * 4) : b.writeUInt32LE(w >>> 0, i * 4),
    );
    return b;
  };
  switch (info.qemu) {
    case 'x86_64': // mov eax,60; mov edi,status; syscall
      return Buffer.from([0xb8, 60, 0, 0, 0, 0xbf, status, 0, 0, 0, 0x0f, 0x05]);
    case 'i386': // mov eax,1; mov ebx,status; int 0x80
      return Buffer.from([0xb8, 1, 0, 0, 0, 0xbb, status, 0, 0, 0, 0xcd, 0x80]);
    case 'aarch64': // movz x0,#status; movz x8,#93; svc #0
      return words([0xd2800000 | (status << 5), 0xd2800ba8, 0xd4000001]);
    case 'arm': // mov r0,#status; mov r7,#1; svc #0
      return words([0xe3a00000 | status, 0xe3a07001, 0xef000000]);
    case 'ppc64le': // li r3,status; li r0,1; sc
      return words([0x38600000 | status, 0x38000001, 0x44000002]);
    case 's390x': // lghi %r2,status; svc 1
      return Buffer.from([0xa7, 0x29, 0, status, 0x0a, 0x01]);
    case 'riscv64': // addi a0,zero,status; addi a7,zero,93; ecall
      return words([(status << 20) | 0x513, 0x05d00893, 0x00000073]);
    case 'mips64el': // daddiu a0,zero,status; daddiu v0,zero,5058; syscall
      return words([0x64040000 | status, 0x640213c2, 0x0000000c]);
    case 'loongarch64': // addi.w a0,zero,status; addi.w a7,zero,93; syscall 0
      return words([0x02800004 | (status << 10), 0x0281740b, 0x002b0000]);
    default:
      throw new Error(`no exit() machine code for qemu-${info.qemu}`);
  }
}

type Write = (v: number, at: number) => void;

/** The one PT_LOAD program header at `ph`: the whole file, read and execute, at BASE. */
function writeProgramHeader(ph: number, length: number, is64: boolean, u32: Write, addr: Write): void {
  u32(1, ph); // PT_LOAD
  if (is64) {
    u32(5, ph + 4); // R+X
    addr(0, ph + 8);
    addr(BASE, ph + 16);
    addr(BASE, ph + 24);
    addr(length, ph + 32);
    addr(length, ph + 40);
    addr(0x1000, ph + 48);
  } else {
    u32(0, ph + 4);
    u32(BASE, ph + 8);
    u32(BASE, ph + 12);
    u32(length, ph + 16);
    u32(length, ph + 20);
    u32(5, ph + 24);
    u32(0x1000, ph + 28);
  }
}

/** A complete ELF file: header, one PT_LOAD program header, code. */
export function exitElf(architecture: string, status: number): Buffer {
  const info = archInfo(architecture);
  const is64 = info.bits === 64;
  const [ehsize, phsize] = is64 ? [64, 56] : [52, 32];
  const code = exitCode(info, status & 0xff);
  const file = Buffer.alloc(ehsize + phsize + code.length);
  const le = !info.bigEndian;
  const u16 = (v: number, at: number) => (le ? file.writeUInt16LE(v, at) : file.writeUInt16BE(v, at));
  const u32 = (v: number, at: number) => (le ? file.writeUInt32LE(v, at) : file.writeUInt32BE(v, at));
  const addr = (v: number, at: number) =>
    is64 ? (le ? file.writeBigUInt64LE(BigInt(v), at) : file.writeBigUInt64BE(BigInt(v), at)) : u32(v, at);
  const word = is64 ? 8 : 4;
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1]).copy(file, 0);
  u16(2, 16); // ET_EXEC
  u16(info.machine, 18);
  u32(1, 20); // EV_CURRENT
  addr(BASE + ehsize + phsize, 24); // e_entry
  addr(ehsize, 24 + word); // e_phoff
  const after = 24 + 3 * word; // past e_entry, e_phoff, e_shoff
  u32(info.elfFlags, after);
  u16(ehsize, after + 4);
  u16(phsize, after + 6);
  u16(1, after + 8); // e_phnum
  writeProgramHeader(ehsize, file.length, is64, u32, addr);
  code.copy(file, ehsize + phsize);
  return file;
}
