// The runner's tool cache (RUNNER_TOOL_CACHE) through @actions/tool-cache:
// a verified download is cached once per tool, version and arch, so a second
// run on the same runner downloads nothing. The cache outlives the job on a
// self-hosted runner, where anything else on the machine can write to it: the
// sha256 of each cached file is recorded beside it (<file>.sha256) and checked
// again before every use; an entry that fails the check is ignored (issue 24).
import * as core from '@actions/core';
import * as tc from '@actions/tool-cache';
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { errorMessage } from '../errors.js';
import { checksumFor } from './checksums.js';

export interface CachedTool {
  /** Tool cache name, e.g. "docker-buildx". */
  tool: string;
  /** Plain semver, no "v". */
  version: string;
  /** The file's name inside the cache entry. */
  file: string;
  arch: string;
}

function hasToolCache(): boolean {
  return Boolean(process.env.RUNNER_TOOL_CACHE);
}

/** The sha256 (hex) of a file's bytes, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** The sha256 recorded for `file` when it was cached, or undefined when there is none. */
function recordedSha256(file: string): string | undefined {
  try {
    return checksumFor(readFileSync(`${file}.sha256`, 'utf8'), path.basename(file));
  } catch {
    return undefined;
  }
}

/**
 * The cached file's path, once its bytes hash to the sha256 recorded when it
 * was cached; undefined when this version is not cached (or there is no
 * cache), and when the entry has no record or fails the check.
 */
export async function findCachedTool(spec: CachedTool): Promise<string | undefined> {
  if (!hasToolCache()) return undefined;
  const dir = tc.find(spec.tool, spec.version, spec.arch);
  if (!dir) return undefined;
  const file = path.join(dir, spec.file);
  const recorded = recordedSha256(file);
  if (!recorded) {
    core.info(
      `The tool cache entry ${file} has no recorded sha256: ignored, ${spec.tool} is downloaded again.`,
    );
    return undefined;
  }
  const actual = await sha256File(file).catch((err: unknown) => `unreadable (${errorMessage(err)})`);
  if (actual !== recorded) {
    core.warning(
      `The tool cache entry ${file} does not match the sha256 recorded when it was cached: it is ${actual}, the record says ${recorded}. It was changed after caching: ignored, ${spec.tool} ${spec.version} is downloaded and verified again. Check what else on this runner writes to RUNNER_TOOL_CACHE.`,
    );
    return undefined;
  }
  return file;
}

/** Copies a verified file, with its sha256 beside it, into the cache and answers its cached path (the source when there is no cache). */
export async function cacheTool(spec: CachedTool, source: string): Promise<string> {
  if (!hasToolCache()) {
    core.info(
      `RUNNER_TOOL_CACHE is not set: ${spec.tool} ${spec.version} is used from the run directory, not cached.`,
    );
    return source;
  }
  // Staged as one directory, so the entry is marked complete with its record already in it.
  const staging = mkdtempSync(path.join(path.dirname(source), 'tool-cache-entry-'));
  try {
    const staged = path.join(staging, spec.file);
    copyFileSync(source, staged);
    writeFileSync(`${staged}.sha256`, `${await sha256File(staged)}  ${spec.file}\n`);
    const dir = await tc.cacheDir(staging, spec.tool, spec.version, spec.arch);
    return path.join(dir, spec.file);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
