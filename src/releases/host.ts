// The host's OS and CPU in Go's terms, which release assets are named by (pure).
import { hostArchitecture } from '../platform.js';

export interface GoPlatform {
  os: string;
  arch: string;
  /** arm only: v6 or v7. */
  variant?: string;
}

const GO_OS: Record<string, string> = { linux: 'linux', darwin: 'darwin', win32: 'windows' };
/** Node's process.platform / process.arch -> Go's GOOS / GOARCH; undefined when unknown. */
export function goPlatform(platform: string, arch: string, armVersion = '7'): GoPlatform | undefined {
  const os = GO_OS[platform];
  const goArch = hostArchitecture(arch);
  if (!os || !goArch) return undefined;
  return goArch === 'arm' ? { os, arch: goArch, variant: `v${armVersion}` } : { os, arch: goArch };
}

export function hostGoPlatform(): GoPlatform | undefined {
  const armVersion = String((process.config.variables as { arm_version?: string }).arm_version ?? '7');
  return goPlatform(process.platform, process.arch, armVersion);
}
