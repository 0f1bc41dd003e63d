// The platforms that share a Dockerfile in one `buildx build --platform a,b,…`
// into the local registry, so the engine runs them side by side and shares
// their common steps. Still per platform: a log group (its steps, split out of
// --progress=rawjson), digest, size and time, and a failure that names it.
import * as core from '@actions/core';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runBuild } from '../buildx/build.js';
import {
  firstFailure,
  parseRawProgress,
  renderSteps,
  splitByPlatform,
  stepPlatforms,
  stepsSpan,
  textLines,
  type Step,
} from '../buildx/progress.js';
import { ActionError, ExecError } from '../errors.js';
import { meaningfulTail } from '../exec-tail.js';
import { formatPlatform, platformSlug, type Platform } from '../platform.js';
import { saveState } from '../state.js';
import { readBuiltPlatforms } from './built-image.js';
import { explainBuildError } from './explain.js';
import { reportNode } from './use-builder.js';
import { specFor, type BuildsContext, type PlatformResult } from './build-spec.js';

function readSteps(logFile: string): { steps: Step[]; text: string } {
  const raw = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
  return { steps: parseRawProgress(raw), text: textLines(raw) };
}

/**
 * A finished build's log as one group, printed at once: an awaited core.group
 * would let another build's group start inside this one (builds end side by side).
 */
export function printGroup(title: string, body: string): void {
  core.startGroup(title);
  try {
    core.info(body);
  } finally {
    core.endGroup();
  }
}

/** A group with the command and the steps all platforms share (context, export, push), then one per platform. */
function printLogs(steps: Step[], text: string, platforms: string[]): Map<string, Step[]> {
  const split = splitByPlatform(steps, platforms);
  for (const [platform, own] of split) {
    const title = platform ? `Building ${platform}` : `Building ${platforms.length} platforms: shared steps`;
    const body = [platform ? '' : text, renderSteps(own) || '(no steps)'].filter(Boolean).join('\n');
    printGroup(title, body);
  }
  return split;
}

/** The failure named after the platform whose step failed first, with that step's error and log. */
async function explainShared(
  ctx: BuildsContext,
  err: unknown,
  steps: Step[],
  text: string,
  names: string[],
): Promise<unknown> {
  if (!(err instanceof ExecError)) return err;
  const failed = firstFailure(steps);
  const platform = (failed && stepPlatforms(steps, names).get(failed.digest)) || names.join(', ');
  const tail = failed ? meaningfulTail(`${failed.log}\n${failed.error ?? ''}`) : meaningfulTail(text);
  return explainBuildError(new ExecError(err.tool, err.args, err.exitCode, tail), platform, ctx);
}

/** Runs the one build; answers the index digest from --metadata-file and every step it made. */
async function runShared(ctx: BuildsContext, platforms: Platform[], ref: string, secrets: string[]) {
  const names = platforms.map(formatPlatform);
  const slug = platforms.map(platformSlug).join('_');
  const logFile = path.join(ctx.state.runDir, 'build-shared.log');
  const target = { platform: names.join(','), slug, file: ctx.options.file, context: ctx.options.context };
  const spec = { ...specFor(ctx, target, ref, secrets, logFile), progress: 'rawjson' as const };
  core.info(`Building ${names.join(', ')} in one build (each platform's log follows when it ends)`);
  let digest: string | undefined;
  try {
    const built = await runBuild(spec);
    digest = built.digest;
    reportNode(ctx.options.builder, names.join(', '), built.buildRef);
  } catch (err) {
    const { steps, text } = readSteps(logFile);
    printLogs(steps, text, names);
    throw await explainShared(ctx, err, steps, text, names);
  }
  const { steps, text } = readSteps(logFile);
  const split = printLogs(steps, text, names);
  if (!digest)
    throw new ActionError(`The build of ${names.join(', ')} wrote no digest to its metadata file.`);
  return { digest, split };
}

export async function buildShared(
  ctx: BuildsContext,
  platforms: Platform[],
  secrets: string[],
): Promise<PlatformResult[]> {
  const ref = `${ctx.local.client.registry}/${ctx.local.repository}:shared`;
  ctx.state.images.push(ref);
  saveState(ctx.state);
  const names = platforms.map(formatPlatform);
  const started = Date.now();
  const { digest, split } = await runShared(ctx, platforms, ref, secrets);
  const images = await readBuiltPlatforms(ctx.local, digest, names);
  const ended = Date.now();
  const spans = images.map((i) => stepsSpan(split.get(i.platform) ?? []) ?? { start: started, end: ended });
  const last = Math.max(...spans.map((x) => x.end));
  const exported = { start: last, end: stepsSpan([...split.values()].flat())?.end ?? ended };
  return images.map((image, i): PlatformResult => {
    const span = spans[i] ?? { start: started, end: ended };
    const seconds = (span.end - span.start) / 1000;
    return { platform: image.platform, image, ref, seconds, build: 'one build', ...span, exported };
  });
}
