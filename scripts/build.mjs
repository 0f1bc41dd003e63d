// `npm run build`: both bundles with ncc, unminified, with source maps and
// licences. dist/index.js is the action (main and post); dist/cli.js is the
// same pipeline as a command line (ncc names every bundle index.js, so the
// CLI is built into a scratch dir and moved: cli.js, cli.js.map,
// cli-licenses.txt). `-o DIR` writes to DIR instead of dist (check-dist.sh).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const o = args.lastIndexOf('-o');
const out = path.resolve(o >= 0 && args[o + 1] ? args[o + 1] : path.join(ROOT, 'dist'));
const NCC = path.join(ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

function ncc(entry, dir) {
  const flags = ['--source-map', '--no-source-map-register', '--license', 'licenses.txt'];
  const r = spawnSync(process.execPath, [NCC, 'build', entry, '-o', dir, ...flags], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    console.error(`build: ncc build ${entry} failed with exit code ${r.status}`);
    process.exit(1);
  }
}

ncc('src/main.ts', out);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'ncc-cli-'));
try {
  ncc('src/cli.ts', scratch);
  const js = readFileSync(path.join(scratch, 'index.js'), 'utf8');
  writeFileSync(
    path.join(out, 'cli.js'),
    js.replace(/sourceMappingURL=index\.js\.map\s*$/, 'sourceMappingURL=cli.js.map\n'),
    {
      mode: 0o755,
    },
  );
  const map = JSON.parse(readFileSync(path.join(scratch, 'index.js.map'), 'utf8'));
  writeFileSync(path.join(out, 'cli.js.map'), JSON.stringify({ ...map, file: 'cli.js' }));
  copyFileSync(path.join(scratch, 'licenses.txt'), path.join(out, 'cli-licenses.txt'));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
