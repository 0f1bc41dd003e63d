// Makes every requested platform runnable: native ones need nothing, foreign
// ones need a QEMU registration with the F flag (kept when already there).
import * as os from 'node:os';
import { ActionError, errorMessage } from '../errors.js';
import type { QemuMode } from '../inputs.js';
import { formatPlatform, type Platform } from '../platform.js';
import {
  ensureBinfmtMounted,
  isBinfmtMounted,
  readRegistration,
  writeRegister,
  BINFMT_DIR,
} from './binfmt.js';
import { findHostRegisterLine, isExecutable, withFlags } from './host-mode.js';
import { isNative, qemuName } from './names.js';

export interface Emulation {
  platform: string;
  how: 'native' | 'emulated';
  /** How emulation was found or made: for the summary. */
  detail: string;
  /** Whether this run wrote the registration. */
  registered: boolean;
}

function describe(interpreter: string, flags: string): string {
  return `${interpreter} flags ${flags || '-'}`;
}

async function registerFromHost(p: Platform, qemu: string): Promise<Emulation> {
  const platform = formatPlatform(p);
  const line = findHostRegisterLine(qemu);
  if (!line) {
    throw new ActionError(
      `Cannot emulate ${platform}: no qemu-${qemu}.conf register line in /usr/lib/binfmt.d.`,
      `Install the host's emulators (apt-get install qemu-user-static) or build ${platform} on a native runner.`,
    );
  }
  if (!isExecutable(line.interpreter)) {
    throw new ActionError(
      `Cannot emulate ${platform}: interpreter ${line.interpreter} named in qemu-${qemu}.conf is missing or not executable.`,
      `Reinstall qemu-user-static.`,
    );
  }
  const wanted = withFlags(line, 'F');
  try {
    await ensureBinfmtMounted();
    writeRegister(wanted.line);
  } catch (err) {
    throw new ActionError(
      `Cannot register QEMU for ${platform} in ${BINFMT_DIR}: ${errorMessage(err)}.`,
      `Registering needs root (or sudo) and a mountable binfmt_misc; otherwise build ${platform} on a native runner.`,
    );
  }
  const reg = readRegistration(`qemu-${qemu}`);
  if (!reg?.enabled)
    throw new ActionError(
      `Registered qemu-${qemu} for ${platform}, but the kernel does not list it as enabled.`,
    );
  return {
    platform,
    how: 'emulated',
    detail: `host qemu-user-static, ${describe(reg.interpreter, reg.flags)}`,
    registered: true,
  };
}

export async function setupEmulation(
  platforms: readonly Platform[],
  mode: QemuMode,
  hostArch = os.arch(),
): Promise<Emulation[]> {
  const results: Emulation[] = [];
  for (const p of platforms) {
    const platform = formatPlatform(p);
    if (isNative(p, hostArch)) {
      results.push({ platform, how: 'native', detail: `host is ${hostArch}`, registered: false });
      continue;
    }
    const qemu = qemuName(p);
    const existing = isBinfmtMounted() ? readRegistration(`qemu-${qemu}`) : undefined;
    if (existing?.enabled) {
      // Never replace a registration this run did not make; without F it only
      // works when the interpreter is inside the image, so say so.
      const noF = existing.flags.includes('F')
        ? ''
        : ' (no F flag: RUN steps need the interpreter inside the image)';
      results.push({
        platform,
        how: 'emulated',
        detail: `already registered, ${describe(existing.interpreter, existing.flags)}${noF}`,
        registered: false,
      });
      continue;
    }
    if (mode === 'false') {
      throw new ActionError(
        `Cannot build ${platform}: the host is ${hostArch}, 'qemu' is false and binfmt_misc has no enabled qemu-${qemu}.`,
        `Set 'qemu' to auto, register QEMU in an earlier step, or build ${platform} on a native runner.`,
      );
    }
    results.push(await registerFromHost(p, qemu));
  }
  return results;
}
