// The distribution registry release for this host, when no registry binary is
// on PATH: <base>/v2.8.3/registry_2.8.3_linux_amd64.tar.gz, checked against its
// .sha256 sidecar before it is unpacked, then cached in the tool cache.
import * as core from '@actions/core';
import { mkdirSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { ActionError, ExecError } from '../errors.js';
import { run } from '../exec.js';
import { lastMeaningfulLine } from '../exec-tail.js';
import type { Http } from '../http.js';
import { cacheTool, findCachedTool, type CachedTool } from '../releases/cache.js';
import { downloadVerified, fetchText } from '../releases/download.js';
import { hostGoPlatform, type GoPlatform } from '../releases/host.js';
import { expectedSha256 } from '../releases/pinned-checksums.js';

export const DISTRIBUTION_RELEASES = 'https://github.com/distribution/distribution/releases/download';
/** The 2.x line the action's registry config is written for. */
export const DISTRIBUTION_VERSION = '2.8.3';

/** registry_2.8.3_linux_amd64.tar.gz, registry_2.8.3_linux_armv7.tar.gz (pure). */
export function registryAssetName(version: string, host: GoPlatform): string {
  return `registry_${version}_${host.os}_${host.arch}${host.variant ?? ''}.tar.gz`;
}

async function unpackRegistry(archive: string, dir: string, url: string): Promise<string> {
  try {
    await run('tar', ['-xzf', archive, '-C', dir, 'registry'], { silent: true });
  } catch (err) {
    if (!(err instanceof ExecError)) throw err;
    throw new ActionError(
      `Cannot unpack the registry binary from ${url}: ${lastMeaningfulLine(err.tail)}.`,
      `Check that 'registry-url' serves the distribution release archives unchanged.`,
    );
  }
  return path.join(dir, 'registry');
}

async function downloadRegistry(http: Http, base: string, dir: string): Promise<string> {
  const host = hostGoPlatform();
  if (!host)
    throw new ActionError(`No distribution registry release for ${process.platform}/${process.arch}.`);
  const asset = registryAssetName(DISTRIBUTION_VERSION, host);
  const url = `${base}/v${DISTRIBUTION_VERSION}/${asset}`;
  const hint = `Check that 'registry-url' (${base}) mirrors the release layout, or put a registry binary on PATH.`;
  const what = `distribution registry ${DISTRIBUTION_VERSION}`;
  const sums = await fetchText(http, { url: `${url}.sha256`, what: `${what} checksum`, hint });
  const release = { tool: 'distribution-registry', version: DISTRIBUTION_VERSION, asset };
  const sha256 = expectedSha256({ ...release, checksumsUrl: `${url}.sha256`, hint }, sums);
  if (!sha256) throw new ActionError(`${url}.sha256 has no sha256 for ${asset}.`, hint);
  mkdirSync(dir, { recursive: true });
  const archive = path.join(dir, asset);
  await downloadVerified(http, { url, what, hint }, archive, sha256);
  return unpackRegistry(archive, dir, url);
}

/** The registry binary from the tool cache, or downloaded, verified and cached now. */
export async function ensureRegistryBinary(http: Http, mirror: string, runDir: string): Promise<string> {
  const spec: CachedTool = {
    tool: 'distribution-registry',
    version: DISTRIBUTION_VERSION,
    file: 'registry',
    arch: process.arch,
  };
  const cached = await findCachedTool(spec);
  if (cached) {
    core.info(`distribution registry ${DISTRIBUTION_VERSION} from the tool cache`);
    return cached;
  }
  const base = (mirror || DISTRIBUTION_RELEASES).replace(/\/+$/, '');
  const binary = await downloadRegistry(http, base, path.join(runDir, 'download', 'registry'));
  core.info(`distribution registry ${DISTRIBUTION_VERSION} downloaded from ${base} and verified`);
  return cacheTool(spec, binary);
}

/**
 * Logs which registry found on PATH is about to run: its resolved path and
 * the version it reports. It is not verified: the runner's owner installed it,
 * there is no release checksum to hold an arbitrary binary to, and it is
 * trusted as the runner's docker and tar are. Its path in the log is what lets
 * someone find it if it should not be there (issue 24).
 */
export async function describeRegistryOnPath(binary: string): Promise<void> {
  let resolved = binary;
  try {
    resolved = realpathSync(binary);
  } catch {
    // a dangling link fails when started, with its own error
  }
  const version = await run(binary, ['--version'], { silent: true })
    .then((r) => r.stdout.trim().split('\n')[0] ?? '')
    .catch(() => '');
  const where = resolved === binary ? binary : `${binary} -> ${resolved}`;
  core.info(
    `Using the registry binary on PATH, not re-verified (no checksum is known for it): ${where}, ${version ? `version '${version}'` : 'version unknown (--version failed)'}`,
  );
}
