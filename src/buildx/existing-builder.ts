// An existing buildx builder named by the 'builder' input (what
// setup-buildx-action outputs): `docker buildx ls` / `inspect` read as text
// (every buildx from 0.10 prints the same fields), and which node buildx gives
// each platform. The builder is the user's: the action never creates or removes it.
import { ActionError } from '../errors.js';
import { run } from '../exec.js';
import { lastMeaningfulLine } from '../exec-tail.js';
import { forLog } from '../log-safe.js';
import { formatPlatform, parsePlatform } from '../platform.js';

export interface BuilderNode {
  name: string;
  /** A docker context or host for the docker and docker-container drivers; a URL for remote. */
  endpoint: string;
  status: string;
  buildkit: string;
  /** As inspect lists them, normalised; the first ones are the node's own (or those set at create). */
  platforms: string[];
  /** `--driver-opt`s the builder was created with, e.g. network=host. */
  driverOptions: Record<string, string>;
}

export interface ExistingBuilder {
  name: string;
  driver: string;
  nodes: BuilderNode[];
}

/** Builder names in `docker buildx ls` output (pure): unindented rows after the header, `*` dropped. */
export function parseBuilderList(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => /^\S/.test(l) && !l.startsWith('NAME/NODE'))
    .map((l) => (l.split(/\s+/)[0] ?? '').replace(/\*$/, ''))
    .filter(Boolean);
}

/** `key="value" key2=value2`, as inspect prints driver options. */
function parseDriverOptions(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([\w.-]+)=("([^"]*)"|\S+)/g)) out[m[1] ?? ''] = m[3] ?? m[2] ?? '';
  return out;
}

function normalise(platform: string): string {
  const p = parsePlatform(platform.replace(/\*$/, '').trim());
  return p ? formatPlatform(p) : platform.replace(/\*$/, '').trim();
}

/** `docker buildx inspect NAME` output (pure). */
export function parseInspect(text: string): ExistingBuilder {
  const builder: ExistingBuilder = { name: '', driver: '', nodes: [] };
  let node: BuilderNode | undefined;
  let inNodes = false;
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z][A-Za-z ]*?):\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, key = '', value = ''] = m;
    if (key === 'Nodes') inNodes = true;
    else if (!inNodes && key === 'Name') builder.name = value.trim();
    else if (!inNodes && key === 'Driver') builder.driver = value.trim();
    else if (inNodes && key === 'Name') {
      node = { name: value.trim(), endpoint: '', status: '', buildkit: '', platforms: [], driverOptions: {} };
      builder.nodes.push(node);
    } else if (node && key === 'Endpoint') node.endpoint = value.trim();
    else if (node && key === 'Status') node.status = value.trim();
    else if (node && /^Build[Kk]it( version)?$/.test(key)) node.buildkit = value.trim();
    else if (node && key === 'Driver Options') node.driverOptions = parseDriverOptions(value);
    else if (node && key === 'Platforms') node.platforms = value.split(',').map(normalise).filter(Boolean);
  }
  return builder;
}

/**
 * The node buildx builds `platform` on: the first node that lists it (its own
 * platforms and those set with `--platform` at create come first), else the
 * first node, which then runs it under emulation (buildx's resolver/driver.go).
 */
export function nodeFor(builder: ExistingBuilder, platform: string): { node: string; listed: boolean } {
  const found = builder.nodes.find((n) => n.platforms.includes(platform));
  return { node: (found ?? builder.nodes[0])?.name ?? '', listed: found !== undefined };
}

/** The node in buildx's `buildx.build.ref` metadata ("builder/node/ref"), or undefined. */
export function nodeOfBuildRef(ref: string | undefined): string | undefined {
  const parts = ref?.split('/') ?? [];
  return parts.length === 3 ? parts[1] : undefined;
}

async function listBuilders(): Promise<string[]> {
  const res = await run('docker', ['buildx', 'ls'], { silent: true, allowFailure: true });
  return parseBuilderList(res.stdout);
}

/**
 * Reads the named builder as it is, without starting it (what the checks need:
 * driver, endpoints, options); an unknown name is an error listing the builders there are.
 */
export async function inspectBuilder(name: string): Promise<ExistingBuilder> {
  const res = await run('docker', ['buildx', 'inspect', name], { silent: true, allowFailure: true });
  if (res.exitCode === 0) return parseInspect(res.stdout);
  const why = forLog(lastMeaningfulLine(res.stderr) || `exit code ${res.exitCode}`);
  const known = await listBuilders();
  throw new ActionError(
    `Input 'builder' is '${name}', which buildx cannot find here: ${why}.`,
    `Builders on this runner ('docker buildx ls'): ${known.join(', ') || 'none'}. Pass the name docker/setup-buildx-action outputs, or leave 'builder' empty.`,
  );
}

/** Starts the builder's stopped nodes (setup-buildx-action leaves them running) and reads it again. */
export async function bootBuilder(name: string): Promise<ExistingBuilder> {
  const res = await run('docker', ['buildx', 'inspect', '--bootstrap', name], {
    silent: true,
    allowFailure: true,
  });
  if (res.exitCode === 0) return parseInspect(res.stdout);
  throw new ActionError(
    `Cannot start builder '${name}' (input 'builder'): ${forLog(lastMeaningfulLine(res.stderr) || `exit code ${res.exitCode}`)}.`,
    `Check its nodes with 'docker buildx inspect --bootstrap ${name}', or create it again.`,
  );
}
