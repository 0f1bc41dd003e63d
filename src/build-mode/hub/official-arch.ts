// The architecture names of Docker's official images (Dockerfile.<arch> in
// Docker Hub repositories), and the platform each names.

export const OFFICIAL_ARCH: Readonly<Record<string, string>> = {
  amd64: 'linux/amd64',
  arm32v5: 'linux/arm/v5',
  arm32v6: 'linux/arm/v6',
  arm32v7: 'linux/arm/v7',
  arm64v8: 'linux/arm64',
  i386: 'linux/386',
  ppc64le: 'linux/ppc64le',
  s390x: 'linux/s390x',
  mips64le: 'linux/mips64le',
  riscv64: 'linux/riscv64',
};

/** Dockerfile.<arch> file names -> platform -> file name (pure); other names are left out. */
export function officialArchFiles(names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const platform = OFFICIAL_ARCH[name.replace(/^Dockerfile\./, '')];
    if (name.startsWith('Dockerfile.') && platform) out[platform] = name;
  }
  return out;
}
