// The plan job of .github/workflows/multiarch.yml, as a node24 action without
// dependencies: reads INPUT_* like any action, writes `matrix` and `prefix` to
// GITHUB_OUTPUT. Runners: user rules first (the most specific pattern wins,
// ties to the first listed), then the user's default, then GitHub's hosted
// amd64 and arm64 runners natively, then ubuntu-24.04 (emulated). Also the
// tags, labels and annotations every job uses, with metadata-action's (meta.mjs).
import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { combine, MetaError } from './meta.mjs';

const BUILT_IN = [
  { pattern: 'linux/amd64', runner: 'ubuntu-24.04' },
  { pattern: 'linux/arm64', runner: 'ubuntu-24.04-arm' },
];
const BUILT_IN_DEFAULT = 'ubuntu-24.04';

class PlanError extends Error {}

function input(name) {
  return (process.env[`INPUT_${name.toUpperCase()}`] ?? '').trim();
}

/** linux/arm64, arm64 -> linux/arm64 (the action's short forms). */
function normalizePlatform(p) {
  const lower = p.trim().toLowerCase();
  return lower.includes('/') ? lower : `linux/${lower}`;
}

function parsePlatforms(text) {
  const platforms = text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(normalizePlatform);
  if (platforms.length === 0) throw new PlanError("No platform to build: 'platforms' is empty.");
  const seen = new Set();
  for (const p of platforms) {
    if (!/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9._]+)?$/.test(p))
      throw new PlanError(`Platform '${p}' in 'platforms' is not OS/ARCH[/VARIANT] (e.g. linux/arm/v7).`);
    if (seen.has(p)) throw new PlanError(`Platform '${p}' is listed twice in 'platforms'.`);
    seen.add(p);
  }
  return platforms;
}

/** A label, or a JSON list of labels for runs-on (["self-hosted","linux","ARM64"]). */
function parseRunner(value, pattern) {
  const v = typeof value === 'string' ? value.trim() : value;
  const list = typeof v === 'string' && v.startsWith('[') ? safeJson(v, pattern) : v;
  const ok = (s) => typeof s === 'string' && s.trim() !== '';
  if (Array.isArray(list) && list.length > 0 && list.every(ok)) return list.map((s) => s.trim());
  if (ok(list)) return list;
  throw new PlanError(
    `Runner for '${pattern}' in 'runners' must be a label or a JSON list of labels, got ${JSON.stringify(value)}.`,
  );
}

function safeJson(text, pattern) {
  try {
    return JSON.parse(text);
  } catch {
    throw new PlanError(`Runner for '${pattern}' in 'runners' is not valid JSON: ${text}`);
  }
}

/** 'runners' as rules: a JSON object, PATTERN=LABEL lines, or one bare label for every platform. */
function parseRunners(text) {
  let entries;
  if (text === '') entries = [];
  else if (text.startsWith('{')) {
    const obj = safeJson(text, 'runners');
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
      throw new PlanError("'runners' starts with { but is not a JSON object.");
    entries = Object.entries(obj);
  } else {
    const lines = text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    if (lines.length === 1 && !lines[0].includes('=')) entries = [['default', lines[0]]];
    else
      entries = lines.map((line) => {
        const eq = line.indexOf('=');
        if (eq <= 0) throw new PlanError(`Line '${line}' in 'runners' is not PLATFORM=LABEL.`);
        return [line.slice(0, eq).trim(), line.slice(eq + 1)];
      });
  }
  let fallback;
  const rules = [];
  for (const [rawPattern, value] of entries) {
    const pattern = rawPattern.trim().toLowerCase();
    const runner = parseRunner(value, pattern);
    if (pattern === 'default' || pattern === '*') fallback = runner;
    else {
      if (!/^[a-z0-9*]+(\/[a-z0-9._*]+){0,2}$/.test(pattern))
        throw new PlanError(
          `Pattern '${pattern}' in 'runners' is not a platform or a wildcard (linux/arm*).`,
        );
      rules.push({ pattern, runner });
    }
  }
  return { rules, fallback };
}

/** Whole path segments: linux/arm matches linux/arm/v7, not linux/arm64; * matches anything. */
function score(pattern, platform) {
  const literal = pattern.replace(/[.]/g, '\\.').replace(/\*/g, '.*');
  if (!new RegExp(`^${literal}(/.*)?$`).test(platform)) return -1;
  const exact = !pattern.includes('*') && pattern === platform;
  return pattern.replace(/\*/g, '').length * 2 + (exact ? 1 : 0);
}

function bestRule(rules, platform) {
  let best;
  for (const rule of rules) {
    const s = score(rule.pattern, platform);
    if (s >= 0 && (!best || s > best.s)) best = { s, rule };
  }
  return best?.rule.runner;
}

function plan(env) {
  const platforms = parsePlatforms(env.platforms);
  const { rules, fallback } = parseRunners(env.runners);
  const include = platforms.map((platform) => ({
    platform,
    runner: bestRule(rules, platform) ?? fallback ?? bestRule(BUILT_IN, platform) ?? BUILT_IN_DEFAULT,
    slug: platform.replace(/\//g, '-'),
  }));
  return { matrix: { include }, prefix: artifactPrefix(env.prefix, env.call) };
}

/** The call's own artifact names (PREFIX_SLUG): the given prefix, or one hashed from the call's inputs. */
function artifactPrefix(given, call) {
  if (given !== '') {
    // No '_': it ends the prefix in PREFIX_SLUG, so the merge's PREFIX_* matches no other call's.
    if (!/^[A-Za-z0-9.-]+$/.test(given))
      throw new PlanError(
        `'artifact-prefix' ${JSON.stringify(given)} may only hold letters, digits, '.' and '-'.`,
      );
    return given;
  }
  return `digests-${createHash('sha256').update(call).digest('hex').slice(0, 12)}`;
}

function setOutput(name, value) {
  const delim = `ghadelimiter_${randomUUID()}`;
  appendFileSync(process.env.GITHUB_OUTPUT ?? '', `${name}<<${delim}\n${value}\n${delim}\n`);
}

function main() {
  try {
    const result = plan({
      platforms: input('platforms'),
      runners: input('runners'),
      prefix: input('artifact-prefix'),
      call: input('call'),
    });
    for (const row of result.matrix.include)
      console.log(`${row.platform} -> ${JSON.stringify(row.runner)} (artifact ${result.prefix}_${row.slug})`);
    setOutput('matrix', JSON.stringify(result.matrix));
    setOutput('prefix', result.prefix);
    const built = combine({
      tags: input('tags'),
      labels: input('labels'),
      annotations: input('annotations'),
      meta: input('meta'),
      setMetaLabels: input('set-meta-labels') === 'true',
      setMetaAnnotations: input('set-meta-annotations') === 'true',
      push: input('push') === 'true',
    });
    for (const [name, value] of Object.entries(built)) setOutput(name, value);
    console.log(`tags: ${built.tags.split('\n').join(', ') || '(none: build only)'}`);
  } catch (e) {
    if (!(e instanceof PlanError) && !(e instanceof MetaError)) throw e;
    console.log(`::error::${e.message.replace(/%/g, '%25').replace(/\n/g, '%0A')}`);
    process.exitCode = 1;
  }
}

main();
