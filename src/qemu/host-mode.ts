// Finds the host's qemu-user-static register lines: the ones Debian/Ubuntu
// (qemu-<name>.conf) and Fedora (qemu-<name>-static.conf) ship in binfmt.d, or
// one made from the ELF identification when only /usr/bin/qemu-<name>-static
// exists (Debian ships no line for the host's own family, e.g. i386 on amd64).
import { accessSync, constants, readFileSync } from 'node:fs';
import { archInfo } from './names.js';

export const BINFMT_CONF_DIRS = ['/usr/lib/binfmt.d', '/etc/binfmt.d', '/run/binfmt.d'];
export const STATIC_DIR = '/usr/bin';

export interface RegisterLine {
  name: string;
  interpreter: string;
  flags: string;
  line: string;
  /** Where the line came from: a binfmt.d file, or "made for <interpreter>". */
  source: string;
}

/** Parses ":name:type:offset:magic:mask:interpreter:flags" (pure). */
export function parseRegisterLine(text: string, source = ''): RegisterLine | undefined {
  const line = text.split('\n').find((l) => l.startsWith(':'));
  if (!line) return undefined;
  const fields = line.trim().split(':');
  // fields[0] is empty (the line starts with the separator)
  if (fields.length < 8) return undefined;
  const [, name = '', , , , , interpreter = '', flags = ''] = fields;
  return { name, interpreter, flags, line: line.trim(), source };
}

/** The same line with its flags set to `flags` (pure). */
function setFlags(reg: RegisterLine, flags: string): RegisterLine {
  const fields = reg.line.split(':');
  fields[fields.length - 1] = flags;
  return { ...reg, flags, line: fields.join(':') };
}

/** Adds flags once; "F" = fix binary, needs Linux 4.8 (pure). */
export function withFlags(reg: RegisterLine, add: string): RegisterLine {
  return setFlags(reg, [...new Set([...reg.flags, ...add])].join(''));
}

/** Drops flags, e.g. F on a kernel older than 4.8 (pure). */
export function withoutFlags(reg: RegisterLine, drop: string): RegisterLine {
  return setFlags(reg, [...reg.flags].filter((f) => !drop.includes(f)).join(''));
}

/**
 * The line for a kernel without the F flag (pure on `exists`). The kernel then
 * looks the interpreter up in each container at exec time, so it must be where
 * Dockerfiles of that era copy it, /usr/bin/qemu-<name>-static, as
 * multiarch/qemu-user-static --reset registered it; P goes too, since a plain
 * static QEMU learns that argv[0] was kept only from kernels far newer than
 * 4.8. Without that file on the host the line keeps its interpreter, F dropped.
 */
export function withoutFixBinary(
  reg: RegisterLine,
  exists: (file: string) => boolean = isExecutable,
  staticDir = STATIC_DIR,
): RegisterLine {
  const interpreter = `${staticDir}/${reg.name}-static`;
  if (!exists(interpreter)) return withoutFlags(reg, 'F');
  const bare = withoutFlags(reg, 'FP');
  const fields = bare.line.split(':');
  fields[fields.length - 2] = interpreter;
  return { ...bare, interpreter, line: fields.join(':') };
}

const hex = (bytes: number[]) => bytes.map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');

/** A register line matching ELF executables of `architecture` (pure), as qemu-binfmt-conf.sh writes them. */
export function synthesizeRegisterLine(architecture: string, interpreter: string): RegisterLine {
  const info = archInfo(architecture);
  const be = info.bigEndian;
  const u16 = (v: number) => (be ? [v >> 8, v & 0xff] : [v & 0xff, v >> 8]);
  const magic = [
    0x7f,
    0x45,
    0x4c,
    0x46,
    info.bits === 64 ? 2 : 1,
    be ? 2 : 1,
    1,
    0,
    ...Array<number>(8).fill(0),
  ];
  magic.push(...u16(2), ...u16(info.machine)); // ET_EXEC, e_machine
  const mask = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, ...Array<number>(8).fill(0xff)];
  mask.push(...(be ? [0xff, 0xfe] : [0xfe, 0xff]), 0xff, 0xff); // ET_EXEC or ET_DYN
  const name = `qemu-${info.qemu}`;
  const line = `:${name}:M::${hex(magic)}:${hex(mask)}:${interpreter}:`;
  return { name, interpreter, flags: '', line, source: `made for ${interpreter}` };
}

export function findHostRegisterLine(
  architecture: string,
  dirs = BINFMT_CONF_DIRS,
  staticDir = STATIC_DIR,
): RegisterLine | undefined {
  const qemu = archInfo(architecture).qemu;
  for (const dir of dirs) {
    for (const file of [`qemu-${qemu}.conf`, `qemu-${qemu}-static.conf`]) {
      try {
        const path = `${dir}/${file}`;
        const parsed = parseRegisterLine(readFileSync(path, 'utf8'), path);
        if (parsed) return parsed;
      } catch {
        // not in this directory
      }
    }
  }
  const interpreter = `${staticDir}/qemu-${qemu}-static`;
  return isExecutable(interpreter) ? synthesizeRegisterLine(architecture, interpreter) : undefined;
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
