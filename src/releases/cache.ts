// The runner's tool cache (RUNNER_TOOL_CACHE) through @actions/tool-cache:
// a verified download is cached once per tool, version and arch, so a second
// run on the same runner downloads nothing.
import * as core from '@actions/core';
import * as tc from '@actions/tool-cache';
import * as path from 'node:path';

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

/** The cached file's path, or undefined when this version is not cached (or there is no cache). */
export function findCachedTool(spec: CachedTool): string | undefined {
  if (!hasToolCache()) return undefined;
  const dir = tc.find(spec.tool, spec.version, spec.arch);
  return dir ? path.join(dir, spec.file) : undefined;
}

/** Copies a verified file into the cache and answers its cached path (the source when there is no cache). */
export async function cacheTool(spec: CachedTool, source: string): Promise<string> {
  if (!hasToolCache()) {
    core.info(
      `RUNNER_TOOL_CACHE is not set: ${spec.tool} ${spec.version} is used from the run directory, not cached.`,
    );
    return source;
  }
  const dir = await tc.cacheFile(source, spec.file, spec.tool, spec.version, spec.arch);
  return path.join(dir, spec.file);
}
