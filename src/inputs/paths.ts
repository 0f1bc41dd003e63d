// The input checks that need the file system, run right after validation:
// the CA file, digest files, OCI layout sources, and when building, the
// context, Dockerfiles, builder config, archive directory and secret files.
import * as core from '@actions/core';
import * as path from 'node:path';
import { readdirSync, statSync } from 'node:fs';
import { officialArchFiles } from '../build-mode/hub/official-arch.js';
import { ActionError } from '../errors.js';
import { isLayoutReference } from '../oci/layout.js';
import { LayoutSource } from '../oci/layout-source.js';
import { formatPlatform, parsePlatform } from '../platform.js';
import { isGitContext } from './git-context.js';
import type { Inputs } from './validate.js';

function kind(p: string): 'dir' | 'file' | 'missing' {
  try {
    return statSync(p).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

/** A path that must be a file or a directory, and the message when it is not. */
type PathCheck = [path: string, want: 'file' | 'dir', message: string];

function failed(checks: readonly PathCheck[]): string[] {
  return checks.filter(([p, want]) => p && kind(p) !== want).map(([, , message]) => message);
}

function commonChecks(inputs: Inputs): PathCheck[] {
  const { caFile, digestFile, sourcesFrom, ociArchive } = inputs;
  return [
    [
      caFile,
      'file',
      `Input 'ca-file' is '${caFile}', which is not a file. Give the path of a PEM file with the registry's CA certificate(s).`,
    ],
    [
      digestFile && path.dirname(digestFile),
      'dir',
      `Input 'digest-file' is '${digestFile}', whose directory does not exist. Create it first (e.g. mkdir -p).`,
    ],
    [
      sourcesFrom,
      'dir',
      `Input 'sources-from' is '${sourcesFrom}', which is not a directory. Download the build jobs' digest files there first.`,
    ],
    [
      ociArchive && path.dirname(ociArchive),
      'dir',
      `Input 'oci-archive' is '${ociArchive}', whose directory does not exist. Create it first or choose another path.`,
    ],
  ];
}

function buildChecks(inputs: Inputs): PathCheck[] {
  const { context, driver, buildkitdConfig, build, platforms, file } = inputs;
  const everyPlatformHasFile = Object.keys(build.platformFiles).length >= platforms.length;
  const git = isGitContext(context); // fetched by BuildKit: nothing of it is on this runner
  return [
    [
      git ? '' : context,
      'dir',
      `Input 'context' is '${context}', which is not a directory. Check out the repository first or fix the path.`,
    ],
    [
      driver === 'docker-container' ? buildkitdConfig : '',
      'file',
      `Input 'buildkitd-config' is '${buildkitdConfig}', which is not a file. Fix the path, relative to the workspace.`,
    ],
    [
      everyPlatformHasFile || git ? '' : file,
      'file',
      `Dockerfile '${file}' does not exist. Set 'file' to the Dockerfile's path, relative to the workspace.`,
    ],
    ...Object.entries(build.platformFiles).map(([platform, f]): PathCheck => [
      f,
      'file',
      `Input 'platform-files' gives '${f}' for ${platform}, which does not exist. Paths are relative to the workspace.`,
    ]),
    ...Object.entries(build.platformContexts).map(([platform, c]): PathCheck => [
      c,
      'dir',
      `Input 'platform-files' gives context '${c}' for ${platform}, which is not a directory. Lines are PLATFORM=DOCKERFILE[@CONTEXT], relative to the workspace.`,
    ]),
    ...build.secrets.map((s): PathCheck => [
      s.src ?? '',
      'file',
      `Input 'secret-files' gives '${s.src}' for secret '${s.id}', which is not a readable file.`,
    ]),
  ];
}

/** 'platform-files: auto': each listed platform's Dockerfile.<arch> beside 'file', said in the log. */
export function resolveAutoFiles(inputs: Inputs): void {
  if (!inputs.build.platformFilesAuto) return;
  const dir = path.dirname(inputs.file);
  const names = kind(dir) === 'dir' ? readdirSync(dir) : [];
  const wanted = new Set(inputs.platforms.map(formatPlatform));
  for (const [platform, name] of Object.entries(officialArchFiles(names))) {
    const p = parsePlatform(platform);
    const key = p ? formatPlatform(p) : platform;
    if (!wanted.has(key)) {
      core.info(`'platform-files' auto: ${name} is not built; add ${key} to 'platforms' to build it.`);
      continue;
    }
    inputs.build.platformFiles[key] = path.join(dir, name);
    core.info(`'platform-files' auto: ${key} builds ${path.join(dir, name)}`);
  }
}

/** Every problem the file system shows; an OCI layout source is opened as merge-only mode will (headers only). */
export function pathProblems(inputs: Inputs): string[] {
  const problems = failed(commonChecks(inputs));
  for (const source of inputs.sources.filter(isLayoutReference)) {
    try {
      LayoutSource.open(source);
    } catch (err) {
      if (!(err instanceof ActionError)) throw err;
      problems.push(err.message);
    }
  }
  if (inputs.mode === 'build') {
    resolveAutoFiles(inputs);
    problems.push(...failed(buildChecks(inputs)));
  }
  return problems;
}

export function checkPaths(inputs: Inputs): void {
  const problems = pathProblems(inputs);
  if (problems.length > 0) throw new ActionError(problems.join('\n'));
}
