// The running kernel's version and what it allows binfmt_misc to do (pure).
// The F ("fix binary") flag, which opens the interpreter at registration so
// containers need no copy of it, arrived in Linux 4.8.

export interface KernelVersion {
  major: number;
  minor: number;
  patch: number;
}

/** Parses os.release(): "6.8.0-1017-azure" -> 6.8.0; undefined when it is not a version. */
export function parseKernelVersion(release: string): KernelVersion | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(release.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

/** Whether binfmt_misc accepts the F flag; an unreadable version is taken as a modern kernel. */
export function supportsFixBinary(v: KernelVersion | undefined): boolean {
  if (!v) return true;
  return v.major > 4 || (v.major === 4 && v.minor >= 8);
}

export function formatKernelVersion(v: KernelVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}
