// @actions/tool-cache under the Node that runs the unit tests (20); the
// integration tests run it bundled in dist/ under Node 24.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { cacheTool, findCachedTool } from '../../../src/releases/cache.js';

const saved = process.env.RUNNER_TOOL_CACHE;
afterEach(() => {
  if (saved === undefined) delete process.env.RUNNER_TOOL_CACHE;
  else process.env.RUNNER_TOOL_CACHE = saved;
});

function sourceFile(): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'src-')), 'docker-buildx');
  writeFileSync(file, '#!/bin/sh\necho v1\n', { mode: 0o755 });
  return file;
}

const spec = { tool: 'docker-buildx', version: '0.13.1', file: 'docker-buildx', arch: 'x64' };

test('cached once per tool, version and arch; found again executable; other versions are not', async () => {
  process.env.RUNNER_TOOL_CACHE = mkdtempSync(path.join(os.tmpdir(), 'tool-cache-'));
  expect(findCachedTool(spec)).toBeUndefined();
  const cached = await cacheTool(spec, sourceFile());
  expect(cached).toBe(
    path.join(process.env.RUNNER_TOOL_CACHE, 'docker-buildx', '0.13.1', 'x64', 'docker-buildx'),
  );
  expect(findCachedTool(spec)).toBe(cached);
  expect(readFileSync(cached, 'utf8')).toContain('echo v1');
  expect(statSync(cached).mode & 0o111).not.toBe(0);
  expect(findCachedTool({ ...spec, version: '0.13.2' })).toBeUndefined();
  expect(findCachedTool({ ...spec, arch: 'arm64' })).toBeUndefined();
});

test('without RUNNER_TOOL_CACHE nothing is cached and the verified file is used where it is', async () => {
  delete process.env.RUNNER_TOOL_CACHE;
  const source = sourceFile();
  expect(findCachedTool(spec)).toBeUndefined();
  expect(await cacheTool(spec, source)).toBe(source);
});
