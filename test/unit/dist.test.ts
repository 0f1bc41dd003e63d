// dist/ is the product users run: it must be exactly what a fresh build makes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../../support/action-runner.js';

test('committed dist/ equals a fresh build, file for file', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'dist-fresh-'));
  execFileSync(
    'npx',
    [
      'ncc',
      'build',
      'src/main.ts',
      '-o',
      out,
      '--source-map',
      '--no-source-map-register',
      '--license',
      'licenses.txt',
    ],
    { cwd: ROOT, stdio: 'ignore' },
  );
  const committed = readdirSync(path.join(ROOT, 'dist')).sort();
  expect(committed).toEqual(readdirSync(out).sort());
  const stale = committed.filter(
    (f) => !readFileSync(path.join(ROOT, 'dist', f)).equals(readFileSync(path.join(out, f))),
  );
  expect(stale, 'dist/ is stale: run npm run build and commit dist/').toEqual([]);
}, 120_000);

test('dist/ has no uncommitted changes and no untracked files', () => {
  const status = execFileSync('git', ['status', '--porcelain', '--', 'dist'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(status).toBe('');
});
