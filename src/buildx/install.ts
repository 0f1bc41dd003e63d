// buildx for this run: the runner's when it is recent enough (or asked for),
// otherwise the release for this host, verified against the release's
// checksums.txt before use, cached in the tool cache, and installed as the
// CLI plugin of the action's own docker config dir.
import * as core from '@actions/core';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { prepareDockerConfig, useDockerConfig } from './docker-config.js';
import { ActionError } from '../errors.js';
import { header, type Http } from '../http.js';
import { cacheTool, findCachedTool, type CachedTool } from '../releases/cache.js';
import { downloadVerified, fetchText } from '../releases/download.js';
import { hostGoPlatform, type GoPlatform } from '../releases/host.js';
import { expectedSha256 } from '../releases/pinned-checksums.js';
import { compareVersions } from '../versions.js';
import { checkSystemBuildx, MIN_BUILDX, readBuildxVersion } from './version.js';

export const BUILDX_RELEASES = 'https://github.com/docker/buildx/releases/download';
const BUILDX_LATEST = 'https://github.com/docker/buildx/releases/latest';

export type BuildxPlan = { use: 'runner'; version: string } | { use: 'release'; version: string };

/**
 * What to use (pure): `auto` keeps a recent enough runner buildx, else the
 * latest release; `system` insists on the runner's; `latest` or vX.Y.Z install
 * that release. A mirror has no "latest", so it needs a pinned version.
 */
export function planBuildx(input: string, runner: string | undefined, mirror: boolean): BuildxPlan {
  if (input === 'system') return { use: 'runner', version: checkSystemBuildx(runner) };
  if (input === 'auto' && runner && compareVersions(runner, MIN_BUILDX) >= 0)
    return { use: 'runner', version: runner };
  if (input !== 'auto' && input !== 'latest') return { use: 'release', version: input };
  if (mirror) {
    const found = runner ? `${runner}, older than ${MIN_BUILDX}` : 'not installed';
    throw new ActionError(
      `Cannot pick a buildx release: the runner's buildx is ${found}, and 'buildx-url' is a mirror, which has no "latest".`,
      `Set 'buildx-version' to a version the mirror holds, such as v0.19.2.`,
    );
  }
  return { use: 'release', version: 'latest' };
}

/** buildx-v0.13.1.linux-amd64, buildx-v0.13.1.linux-arm-v7, buildx-v0.13.1.windows-amd64.exe (pure). */
export function buildxAssetName(version: string, host: GoPlatform): string {
  const arch = host.variant ? `${host.arch}-${host.variant}` : host.arch;
  return `buildx-${version}.${host.os}-${arch}${host.os === 'windows' ? '.exe' : ''}`;
}

/** ".../releases/tag/v0.19.2" -> "v0.19.2" (pure). */
export function parseLatestTag(location: string | undefined): string | undefined {
  return /\/tag\/(v\d+\.\d+\.\d+)\/?$/.exec(location ?? '')?.[1];
}

/** The release GitHub's /releases/latest redirects to. */
export async function resolveLatestBuildx(http: Http, url = BUILDX_LATEST): Promise<string> {
  const res = await http.request({ method: 'GET', url });
  await res.body.dump();
  const tag = parseLatestTag(header(res, 'location'));
  if (!tag) {
    throw new ActionError(
      `Cannot resolve the latest buildx release from ${url}: HTTP ${res.status} without a release tag.`,
      `Set 'buildx-version' to a version such as v0.19.2.`,
    );
  }
  return tag;
}

export interface BuildxSetup {
  version: string;
  how: 'runner' | 'tool cache' | 'downloaded';
  /** The action's own docker config dir, when it installed buildx there. */
  dockerConfig?: string;
}

async function downloadBuildx(http: Http, base: string, version: string, dir: string): Promise<string> {
  const host = hostGoPlatform();
  if (!host) throw new ActionError(`No buildx release for ${process.platform}/${process.arch}.`);
  const asset = buildxAssetName(version, host);
  const hint = `Check 'buildx-version' and that 'buildx-url' (${base}) mirrors the release layout.`;
  const checksumsUrl = `${base}/${version}/checksums.txt`;
  const sums = await fetchText(http, { url: checksumsUrl, what: `buildx ${version} checksums`, hint });
  const sha256 = expectedSha256(
    { tool: 'docker-buildx', version: version.slice(1), asset, checksumsUrl, hint },
    sums,
  );
  if (!sha256) throw new ActionError(`buildx ${version} checksums.txt has no line for ${asset}.`, hint);
  mkdirSync(dir, { recursive: true });
  const dest = path.join(dir, 'docker-buildx');
  await downloadVerified(
    http,
    { url: `${base}/${version}/${asset}`, what: `buildx ${version}`, hint },
    dest,
    sha256,
  );
  return dest;
}

export async function setupBuildx(
  http: Http,
  options: { version: string; url: string; runDir: string; runner: string | undefined },
): Promise<BuildxSetup> {
  const { runner } = options; // the runner's buildx version, as the environment check read it
  const plan = planBuildx(options.version, runner, options.url !== '');
  if (plan.use === 'runner') return { version: plan.version, how: 'runner' };
  const version = plan.version === 'latest' ? await resolveLatestBuildx(http) : plan.version;
  const spec: CachedTool = {
    tool: 'docker-buildx',
    version: version.slice(1),
    file: 'docker-buildx',
    arch: process.arch,
  };
  let binary = await findCachedTool(spec);
  const how = binary ? 'tool cache' : 'downloaded';
  if (!binary) {
    const base = (options.url || BUILDX_RELEASES).replace(/\/+$/, '');
    const fetched = await downloadBuildx(http, base, version, path.join(options.runDir, 'download'));
    core.info(`buildx ${version} downloaded from ${base} and verified against its checksums.txt`);
    binary = await cacheTool(spec, fetched);
  }
  const dockerConfig = prepareDockerConfig(options.runDir, binary);
  useDockerConfig(dockerConfig);
  const reported = await readBuildxVersion();
  if (reported !== spec.version) {
    throw new ActionError(
      `The buildx ${version} binary from ${binary} reports version ${reported ?? '(none: it does not run)'}.`,
      `Check that 'buildx-url' serves unaltered buildx releases for this runner's OS and CPU.`,
    );
  }
  return { version: spec.version, how, dockerConfig };
}
