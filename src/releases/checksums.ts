// Release checksum files (pure): buildx's checksums.txt (`<sha256> *<file>`),
// sha256sum's text mode (`<sha256>  <file>`) and a sidecar holding only a hash.

const LINE = /^([a-f0-9]{64})(?:\s+\*?(\S.*))?$/i;

/** File name -> lowercase sha256; a bare hash (a `.sha256` sidecar) is keyed ''. */
export function parseChecksums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const m = LINE.exec(raw.trim());
    if (!m) continue;
    const [, hash = '', file = ''] = m;
    sums.set(file.trim().replace(/^\.\//, ''), hash.toLowerCase());
  }
  return sums;
}

/** The sha256 the checksum file gives for `file`: by name, or a sidecar's only hash. */
export function checksumFor(text: string, file: string): string | undefined {
  const sums = parseChecksums(text);
  return sums.get(file) ?? (sums.size === 1 ? sums.get('') : undefined);
}
