// The machine's qemu-* registrations: snapshot before emulation tests, put
// back exactly afterwards (other engineers' builds on this machine need them).
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseRegistration, registerLineOf, type Registration } from '../../src/qemu/binfmt.js';

const DIR = '/proc/sys/fs/binfmt_misc';

export type Snapshot = Map<string, { text: string; reg: Registration }>;

export function snapshotBinfmt(): Snapshot {
  const snap: Snapshot = new Map();
  for (const name of readdirSync(DIR).filter((n) => n.startsWith('qemu-'))) {
    const text = readFileSync(`${DIR}/${name}`, 'utf8');
    snap.set(name, { text, reg: parseRegistration(name, text) });
  }
  return snap;
}

/** name -> the kernel's text for each qemu-* registration (to compare snapshots). */
export function binfmtTexts(snap: Snapshot = snapshotBinfmt()): Record<string, string> {
  return Object.fromEntries([...snap].map(([n, v]) => [n, v.text]));
}

export function unregisterBinfmt(...names: string[]): void {
  for (const n of names) if (existsSync(`${DIR}/${n}`)) writeFileSync(`${DIR}/${n}`, '-1');
}

export function restoreBinfmt(snap: Snapshot): void {
  const now = snapshotBinfmt();
  for (const [name, cur] of now) {
    if (snap.get(name)?.text !== cur.text) unregisterBinfmt(name);
  }
  for (const [name, { text, reg }] of snap) {
    if (now.get(name)?.text === text) continue;
    writeFileSync(`${DIR}/register`, registerLineOf(reg));
    if (!reg.enabled) writeFileSync(`${DIR}/${name}`, '0');
  }
}

/** Moves a file aside until the returned function puts it back. */
export function hideFile(file: string): () => void {
  const aside = `${file}.hidden-by-test`;
  renameSync(file, aside);
  return () => {
    if (existsSync(aside)) renameSync(aside, file);
  };
}
