// Registers QEMU from a container image: `--install <archs>` for a
// tonistiigi/binfmt-style image (F flag, interpreters inside the image), or
// `--reset` for the old-kernel fallback (multiarch/qemu-user-static:register),
// which replaces every qemu-* registration: the ones that were there before
// are put back exactly as they were.
import * as core from '@actions/core';
import { ActionError, ExecError, errorMessage } from '../errors.js';
import { run } from '../exec.js';
import {
  BINFMT_DIR,
  readQemuRegistrations,
  registerLineOf,
  unregister,
  writeProcFile,
  writeRegister,
  type Registration,
} from './binfmt.js';
import { isExecutable } from './host-mode.js';
import { parseQemuVersion } from './pitfalls.js';

/**
 * How the container gets the right to write binfmt_misc: --privileged, or, where
 * the engine cannot grant every capability (nested or hardened hosts), only
 * CAP_SYS_ADMIN with /proc unmasked, which is all registering needs.
 */
export type Privilege = 'privileged' | 'sys-admin';

const PRIVILEGE: Record<Privilege, string[]> = {
  privileged: ['--privileged'],
  'sys-admin': [
    '--cap-add',
    'SYS_ADMIN',
    '--security-opt',
    'systempaths=unconfined',
    '--security-opt',
    'apparmor=unconfined',
    '--security-opt',
    'seccomp=unconfined',
  ],
};

export function installArgs(
  image: string,
  architectures: readonly string[],
  privilege: Privilege = 'privileged',
): string[] {
  return ['run', ...PRIVILEGE[privilege], '--rm', image, '--install', architectures.join(',')];
}

export function resetArgs(image: string, privilege: Privilege = 'privileged'): string[] {
  return ['run', '--rm', ...PRIVILEGE[privilege], image, '--reset'];
}

/** The engine could not grant every capability --privileged asks for. */
const CAPS_REFUSED = /apply caps|operation not permitted/i;

/** Rootless engines cannot write the host's binfmt_misc, privileged or not. */
async function ensureEngineCanRegister(input: string, image: string): Promise<void> {
  const info = await run('docker', ['info', '--format', '{{json .SecurityOptions}}'], {
    silent: true,
    allowFailure: true,
  });
  if (info.exitCode !== 0)
    throw new ActionError(
      `Cannot register QEMU with '${input}' ${image}: the Docker engine is not reachable (${info.stderr.trim()}).`,
      `Start Docker, or set 'qemu' to host to register the host's qemu-user-static without Docker.`,
    );
  if (/rootless/.test(info.stdout))
    throw new ActionError(
      `Cannot register QEMU with '${input}' ${image}: the Docker engine is rootless, so its privileged containers cannot write the host's binfmt_misc.`,
      `Set 'qemu' to host (root or passwordless sudo), register QEMU on the host beforehand, or build on a native runner.`,
    );
}

async function runPrivileged(input: string, image: string, args: (p: Privilege) => string[]): Promise<void> {
  await ensureEngineCanRegister(input, image);
  try {
    try {
      await run('docker', args('privileged'));
    } catch (err) {
      if (!(err instanceof ExecError && CAPS_REFUSED.test(err.tail))) throw err;
      core.info(
        `The engine refused --privileged (${err.tail.split('\n')[0]}); retrying with CAP_SYS_ADMIN only.`,
      );
      await run('docker', args('sys-admin'));
    }
  } catch (err) {
    if (!(err instanceof ExecError)) throw err;
    const denied = /privileged|not allowed|authorization|denied|not permitted|apply caps/i.test(err.tail);
    throw new ActionError(
      `Cannot register QEMU with '${input}' ${image}: docker run failed with exit code ${err.exitCode}: ${err.tail}.`,
      denied
        ? `This runner does not allow privileged containers: set 'qemu' to host (root or passwordless sudo), or build on a native runner.`
        : `If the image cannot be pulled here (air-gapped), set 'qemu' to host, or set '${input}' to an image from your own registry.`,
    );
  }
}

export async function installFromImage(image: string, architectures: readonly string[]): Promise<void> {
  await runPrivileged('qemu-image', image, (p) => installArgs(image, architectures, p));
}

/** The QEMU version a binfmt image carries ("binfmt/… qemu/v8.1.5 go/…"), when it says. */
export async function imageQemuVersion(image: string): Promise<string | undefined> {
  const out = await run('docker', ['run', '--rm', image, '--version'], { silent: true, allowFailure: true });
  return out.exitCode === 0 ? parseQemuVersion(out.stdout) : undefined;
}

/** Registrations a reset would destroy and that cannot be made again from this host (pure on facts). */
export function unrestorable(before: Iterable<Registration>, exists = isExecutable): Registration[] {
  return [...before].filter((r) => r.flags.includes('F') && !exists(r.interpreter));
}

/** Runs the fallback image's --reset, then puts back every registration that was there before. */
export async function resetFromFallbackImage(image: string): Promise<{ restored: string[] }> {
  const before = readQemuRegistrations();
  const lost = unrestorable(before.values());
  if (lost.length > 0)
    throw new ActionError(
      `Cannot run '${image} --reset': it would remove ${lost.map((r) => r.name).join(', ')}, whose interpreters are not on this host, so the action could not put them back.`,
      `Register the missing platforms yourself, or set 'qemu' to host.`,
    );
  await runPrivileged('qemu-fallback-image', image, (p) => resetArgs(image, p));
  const restored: string[] = [];
  const after = readQemuRegistrations();
  for (const reg of before.values()) {
    const now = after.get(reg.name);
    if (now && registerLineOf(now) === registerLineOf(reg) && now.enabled === reg.enabled) continue;
    try {
      if (now) await unregister(reg.name);
      await writeRegister(registerLineOf(reg));
      if (!reg.enabled) await writeProcFile(`${BINFMT_DIR}/${reg.name}`, '0');
      restored.push(reg.name);
    } catch (err) {
      throw new ActionError(
        `Could not put back ${reg.name} after '${image} --reset': ${errorMessage(err)}.`,
        `Register it again: echo '${registerLineOf(reg)}' > /proc/sys/fs/binfmt_misc/register`,
      );
    }
  }
  return { restored };
}
