import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { repositoryHas } from '../../../../src/build-mode/hub/qemu-lines.js';

const ctx = mkdtempSync(path.join(os.tmpdir(), 'qemu-lines-'));
afterAll(() => rmSync(ctx, { recursive: true, force: true }));
mkdirSync(path.join(ctx, 'dir'));
writeFileSync(path.join(ctx, 'qemu-arm-static'), 'mine');
writeFileSync(path.join(ctx, 'file'), 'x');
symlinkSync('/nonexistent/target', path.join(ctx, 'qemu-aarch64-static'));
symlinkSync('/tmp', path.join(ctx, 'out'));

test.each([
  [1, 'absent', 'qemu-s390x-static', false],
  [2, "the repository's file", 'qemu-arm-static', true],
  [3, 'a dangling symlink (never written through)', 'qemu-aarch64-static', true],
  [4, 'under a symlink to elsewhere', 'out/qemu-s390x-static', true],
  [5, 'under a file', 'file/qemu-s390x-static', true],
  [6, 'absent under a directory', 'dir/qemu-s390x-static', false],
  [7, 'under a directory that does not exist', 'new/qemu-s390x-static', false],
])('%i: %s', (_n, _name, file, has) => {
  expect(repositoryHas(ctx, file)).toBe(has);
});
