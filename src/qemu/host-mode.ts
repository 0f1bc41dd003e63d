// Registers the host's qemu-user-static interpreters: the register lines that
// Debian/Ubuntu ship in /usr/lib/binfmt.d, with the F flag so the kernel
// opens the interpreter once and containers need no copy of it.
import { accessSync, constants, readFileSync } from 'node:fs';

export const BINFMT_CONF_DIRS = ['/usr/lib/binfmt.d', '/etc/binfmt.d', '/run/binfmt.d'];

export interface RegisterLine {
  name: string;
  interpreter: string;
  flags: string;
  line: string;
}

/** Parses ":name:type:offset:magic:mask:interpreter:flags" (pure). */
export function parseRegisterLine(text: string): RegisterLine | undefined {
  const line = text.split('\n').find((l) => l.startsWith(':'));
  if (!line) return undefined;
  const sep = line[0] ?? ':';
  const fields = line.trim().split(sep);
  // fields[0] is empty (the line starts with the separator)
  if (fields.length < 8) return undefined;
  const [, name = '', , , , , interpreter = '', flags = ''] = fields;
  return { name, interpreter, flags, line: line.trim() };
}

/** The same line with the given flags added (pure); "F" = fix binary, needs Linux 4.8. */
export function withFlags(reg: RegisterLine, add: string): RegisterLine {
  const flags = [...new Set([...reg.flags, ...add])].join('');
  const fields = reg.line.split(':');
  fields[fields.length - 1] = flags;
  return { ...reg, flags, line: fields.join(':') };
}

export function findHostRegisterLine(qemu: string, dirs = BINFMT_CONF_DIRS): RegisterLine | undefined {
  for (const dir of dirs) {
    try {
      const parsed = parseRegisterLine(readFileSync(`${dir}/qemu-${qemu}.conf`, 'utf8'));
      if (parsed) return parsed;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
