// `npm run build`: both bundles with ncc, unminified, with source maps and
// licences. dist/index.js is the action (main and post); dist/cli.js is the
// same pipeline as a command line (ncc names every bundle index.js, so the
// CLI is built into a scratch dir and moved: cli.js, cli.js.map,
// cli-licenses.txt, and its chunks, the modules loaded only when used such
// as @sigstore/sign, as N.cli.js: ncc numbers the two bundles' chunks alike
// with different contents, so they cannot share N.index.js). `-o DIR` writes
// to DIR instead of dist (check-dist.sh).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  const chunkName = 'return "" + chunkId + ".index.js";';
  if (js.split(chunkName).length !== 2) {
    console.error(`build: the CLI bundle does not name its chunks with '${chunkName}' exactly once`);
    process.exit(1);
  }
  for (const file of readdirSync(scratch)) {
    const m = /^(\d+)\.index\.js(\.map)?$/.exec(file);
    if (!m) continue;
    const text = readFileSync(path.join(scratch, file), 'utf8');
    writeFileSync(
      path.join(out, `${m[1]}.cli.js${m[2] ?? ''}`),
      text.replace(/sourceMappingURL=(\d+)\.index\.js\.map\s*$/, 'sourceMappingURL=$1.cli.js.map\n'),
    );
  }
  writeFileSync(
    path.join(out, 'cli.js'),
    js
      .replace(chunkName, 'return "" + chunkId + ".cli.js";')
      .replace(/sourceMappingURL=index\.js\.map\s*$/, 'sourceMappingURL=cli.js.map\n'),
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
