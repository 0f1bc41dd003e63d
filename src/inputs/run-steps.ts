// Parses build-push-action's inputs for what RUN steps get (pure): add-hosts,
// shm-size, ulimit, cgroup-parent, allow, ssh, no-cache-filters and
// secret-envs, with its names and list syntax (comma or newline separated;
// ulimit newline only). Each problem names the input, the value and what is valid.
import type { RunStepOptions } from '../buildx/build.js';
import type { Secret } from '../buildx/secrets.js';
import { splitList } from './parsers.js';

export const RUN_STEP_INPUT_NAMES = [
  'add-hosts',
  'shm-size',
  'ulimit',
  'cgroup-parent',
  'allow',
  'ssh',
  'no-cache-filters',
  'secret-envs',
] as const;
export type RunStepInputName = (typeof RUN_STEP_INPUT_NAMES)[number];

type Problems = string[];

const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*|host-gateway)$/;

/** host:ip or host=ip (buildx takes both); an IPv6 address follows the first separator. */
function addHosts(value: string, problems: Problems): string[] {
  const hosts = splitList(value, true);
  for (const entry of hosts) {
    const sep = entry.search(/[:=]/);
    if (sep > 0 && HOST_NAME.test(entry.slice(0, sep)) && IP.test(entry.slice(sep + 1))) continue;
    problems.push(
      `Input 'add-hosts' has '${entry}'; each entry is HOST:IP or HOST=IP, such as docker:10.180.0.1 or db=192.168.1.5.`,
    );
  }
  return hosts;
}

function shmSize(value: string, problems: Problems): string {
  const v = value.trim();
  if (v !== '' && !/^\d+(\.\d+)? ?[kmgtp]?i?b?$/i.test(v))
    problems.push(
      `Input 'shm-size' is '${value}'; valid values are a size in bytes or with a unit b, k, m or g, such as 2g or 512m.`,
    );
  return v;
}

const ULIMIT_NAMES = [
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack',
];

/** NAME=SOFT[:HARD], as docker's --ulimit; -1 is unlimited. */
function ulimits(value: string, problems: Problems): string[] {
  const entries = splitList(value, false);
  for (const entry of entries) {
    const m = /^([a-z]+)=(-1|\d+)(?::(-1|\d+))?$/.exec(entry);
    const [, name = '', soft = '0', hard] = m ?? [];
    if (!m || !ULIMIT_NAMES.includes(name)) {
      problems.push(
        `Input 'ulimit' has '${entry}'; each line is NAME=SOFT[:HARD] with NAME one of ${ULIMIT_NAMES.join(', ')}, such as nofile=1024:2048.`,
      );
    } else if (hard !== undefined && hard !== '-1' && (soft === '-1' || Number(soft) > Number(hard))) {
      problems.push(`Input 'ulimit' has '${entry}', whose soft limit is above its hard limit.`);
    }
  }
  return entries;
}

const ENTITLEMENTS = ['network.host', 'security.insecure', 'device'];

function allow(value: string, problems: Problems): string[] {
  const entries = splitList(value, true);
  for (const e of entries.filter((e) => !ENTITLEMENTS.includes(e.replace(/^device=.*/, 'device'))))
    problems.push(`Input 'allow' has '${e}'; valid entitlements are ${ENTITLEMENTS.join(', ')}.`);
  return entries;
}

/** default, or ID[=PATH] (an agent socket or a key file), as buildx --ssh takes them. */
function ssh(value: string, problems: Problems): string[] {
  const entries = splitList(value, true);
  for (const e of entries.filter((e) => !/^[A-Za-z0-9_.-]+(=\S+)?$/.test(e)))
    problems.push(
      `Input 'ssh' has '${e}'; each entry is default, ID or ID=PATH (an agent socket or a key file), such as default=/tmp/agent.sock.`,
    );
  return entries;
}

/** Stage names, as in 'target'. */
function stages(value: string, problems: Problems): string[] {
  const names = splitList(value, true);
  for (const n of names.filter((n) => !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(n)))
    problems.push(
      `Input 'no-cache-filters' has '${n}', which is not a stage name (letters, digits, '_', '.', '-'), such as deps.`,
    );
  return names;
}

/** ID=ENVVAR: the build's secret ID holds the value of the environment variable ENVVAR. */
function secretEnvs(value: string, problems: Problems): Secret[] {
  const out: Secret[] = [];
  for (const entry of splitList(value, true)) {
    const m = /^([A-Za-z0-9_.-]+)=([A-Za-z_][A-Za-z0-9_]*)$/.exec(entry);
    if (m?.[1] && m[2]) out.push({ id: m[1], env: m[2] });
    else
      problems.push(
        `Input 'secret-envs' has '${entry}'; each entry is ID=ENVVAR (a secret id, then the name of an environment variable), such as GIT_AUTH_TOKEN=MY_TOKEN.`,
      );
  }
  return out;
}

export function parseRunStepInputs(
  raw: Record<RunStepInputName, string>,
  problems: Problems,
): RunStepOptions & { secretEnvs: Secret[] } {
  const cgroupParent = raw['cgroup-parent'].trim();
  if (/\s/.test(cgroupParent))
    problems.push(
      `Input 'cgroup-parent' is '${raw['cgroup-parent']}'; a cgroup path has no spaces, e.g. /actions-builds.`,
    );
  return {
    addHosts: addHosts(raw['add-hosts'], problems),
    shmSize: shmSize(raw['shm-size'], problems),
    ulimits: ulimits(raw.ulimit, problems),
    cgroupParent,
    allow: allow(raw.allow, problems),
    ssh: ssh(raw.ssh, problems),
    noCacheFilters: stages(raw['no-cache-filters'], problems),
    secretEnvs: secretEnvs(raw['secret-envs'], problems),
  };
}

/** A secret value and, when it has several lines, each line: a log line never holds a whole multi-line secret. */
export function maskablePieces(value: string): string[] {
  return value.includes('\n') ? [value, ...value.split('\n').map((l) => l.trim())] : [value];
}

/**
 * The values to mask that 'secret-envs' names: the variables' values (each
 * line of a multi-line one too). A value from `secrets.*` is masked by the
 * runner already; one the workflow computed is not, and buildx's error
 * output could echo it. Entries that do not parse are skipped: the run fails
 * on them anyway, before any build.
 */
export function secretEnvValues(raw: string, env: NodeJS.ProcessEnv): string[] {
  return splitList(raw, true)
    .map((entry) => /^[A-Za-z0-9_.-]+=([A-Za-z_][A-Za-z0-9_]*)$/.exec(entry)?.[1])
    .map((name) => (name === undefined ? '' : (env[name] ?? '')))
    .flatMap(maskablePieces)
    .filter((v) => v !== '');
}

/** The 'secret-envs' whose variable is missing from `env` (the action's environment), one problem each. */
export function secretEnvProblems(secrets: readonly Secret[], env: NodeJS.ProcessEnv): string[] {
  return secrets
    .filter((s) => s.env !== undefined && env[s.env] === undefined)
    .map(
      (s) =>
        `Input 'secret-envs' gives secret '${s.id}' the environment variable '${s.env}', which is not set in this step's environment; set it with the step's env: (e.g. ${s.env}: \${{ secrets.${s.env} }}).`,
    );
}
