// Parses and normalises platform names (pure). `arm64` -> `linux/arm64`,
// `linux/arm` -> `linux/arm/v7`, `linux/arm64/v8` -> `linux/arm64`.

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** Every platform the action can build, in the form it reports them. */
export const KNOWN_PLATFORMS: readonly string[] = [
  'linux/amd64',
  'linux/amd64/v2',
  'linux/amd64/v3',
  'linux/amd64/v4',
  'linux/386',
  'linux/arm64',
  'linux/arm/v7',
  'linux/arm/v6',
  'linux/ppc64le',
  'linux/s390x',
  'linux/riscv64',
  'linux/mips64le',
  'linux/loong64',
];

const ARCH_ALIASES: Record<string, string> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  aarch64: 'arm64',
  i386: '386',
  i686: '386',
  x86: '386',
  armhf: 'arm/v7',
  armel: 'arm/v6',
  ppc64el: 'ppc64le',
};

const OS_NAMES = ['linux', 'windows', 'darwin', 'freebsd'];
const DEFAULT_VARIANT: Record<string, string | undefined> = { arm: 'v7' };
const DROPPED_VARIANT: Record<string, string> = { arm64: 'v8', amd64: 'v1' };

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** A form safe in tags and file names: linux/arm/v7 -> linux-arm-v7. */
export function platformSlug(p: Platform): string {
  return formatPlatform(p).replace(/\//g, '-');
}

/** Normalises one platform name; undefined when it is not one we can build. */
export function parsePlatform(raw: string): Platform | undefined {
  let parts = raw.trim().toLowerCase().split('/');
  if (!OS_NAMES.includes(parts[0] ?? '')) parts = ['linux', ...parts];
  const [os, arch0, variant0, ...rest] = parts;
  if (!os || !arch0 || rest.length > 0) return undefined;
  const [arch, aliasVariant] = (ARCH_ALIASES[arch0] ?? arch0).split('/');
  if (!arch) return undefined;
  let variant = variant0 ?? aliasVariant ?? DEFAULT_VARIANT[arch];
  if (variant && DROPPED_VARIANT[arch] === variant) variant = undefined;
  const platform: Platform = variant ? { os, architecture: arch, variant } : { os, architecture: arch };
  return KNOWN_PLATFORMS.includes(formatPlatform(platform)) ? platform : undefined;
}

export function samePlatform(a: Platform, b: Platform): boolean {
  return formatPlatform(a) === formatPlatform(b);
}

/** Node's os.arch() / process.arch -> the OCI architecture (which Go's GOARCH spells the same). */
const NODE_ARCHITECTURES: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  ia32: '386',
  mips64el: 'mips64le',
};

/** The architecture a Node arch name is; undefined when unknown. */
export function hostArchitecture(nodeArch: string): string | undefined {
  return NODE_ARCHITECTURES[nodeArch];
}
