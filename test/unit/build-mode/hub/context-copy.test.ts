import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { copyContext } from '../../../../src/build-mode/hub/context-copy.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

test('copies a context: files linked, symlinks as they are, modes kept, the run dir left out', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'context-copy-'));
  dirs.push(root);
  const ctx = path.join(root, 'ctx');
  mkdirSync(path.join(ctx, 'sub', 'deep'), { recursive: true });
  writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(path.join(ctx, 'sub', 'deep', 'run.sh'), 'echo hi\n', { mode: 0o755 });
  symlinkSync('../Dockerfile', path.join(ctx, 'sub', 'link'));
  chmodSync(path.join(ctx, 'sub'), 0o750);
  mkdirSync(path.join(ctx, 'run'));
  writeFileSync(path.join(ctx, 'run', 'secret'), 'x');
  const to = path.join(root, 'copy');
  copyContext(ctx, to, [path.join(ctx, 'run')]);
  expect(readFileSync(path.join(to, 'Dockerfile'), 'utf8')).toBe('FROM scratch\n');
  // A hard link: the same inode, no bytes copied.
  expect(statSync(path.join(to, 'Dockerfile')).ino).toBe(statSync(path.join(ctx, 'Dockerfile')).ino);
  expect(statSync(path.join(to, 'sub', 'deep', 'run.sh')).mode & 0o777).toBe(0o755);
  expect(lstatSync(path.join(to, 'sub', 'link')).isSymbolicLink()).toBe(true);
  expect(readlinkSync(path.join(to, 'sub', 'link'))).toBe('../Dockerfile');
  expect(statSync(path.join(to, 'sub')).mode & 0o777).toBe(0o750);
  expect(() => statSync(path.join(to, 'run'))).toThrow();
});

test('a copy inside the context leaves itself out', () => {
  const ctx = mkdtempSync(path.join(os.tmpdir(), 'context-copy-'));
  dirs.push(ctx);
  writeFileSync(path.join(ctx, 'a'), 'a');
  copyContext(ctx, path.join(ctx, 'copy'));
  expect(readFileSync(path.join(ctx, 'copy', 'a'), 'utf8')).toBe('a');
  expect(() => statSync(path.join(ctx, 'copy', 'copy'))).toThrow();
});
