// The environment of code from the repository (Docker Hub hooks and
// docker-compose.test.yml tests): it runs on the host, so it gets what a
// build needs and nothing the action holds for itself. Kept: PATH, HOME and
// the user's name, locale and TMPDIR, the runner's proxy settings (a hook's
// curl on a self-hosted runner behind a proxy needs them), the docker CLI's
// own settings (the action's DOCKER_CONFIG, DOCKER_HOST and its TLS files),
// RUNNER_* (its temp dir, OS and arch), GITHUB_* and Hub's variables.
// Dropped: INPUT_* (the password and every build secret), ACTIONS_* (the
// runtime token, the OIDC token request), STATE_*, and whatever else the
// job's environment holds (a secret put in `env:` included). GITHUB_TOKEN is
// dropped too, and so are the runner's file commands GITHUB_OUTPUT, GITHUB_ENV,
// GITHUB_PATH, GITHUB_STATE and GITHUB_STEP_SUMMARY: through them a hook could
// set the step's outputs, inject variables or PATH entries into every later
// step of the job, or rewrite the action's post state.
import { getToolEnv } from '../../exec.js';

const KEPT = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'DOCKER_CONFIG',
  'DOCKER_HOST',
  'DOCKER_CONTEXT',
  'DOCKER_TLS_VERIFY',
  'DOCKER_CERT_PATH',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
]);

const FILE_COMMANDS_AND_TOKEN = new Set([
  'GITHUB_OUTPUT',
  'GITHUB_ENV',
  'GITHUB_PATH',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY',
  'GITHUB_TOKEN',
]);

function isKept(name: string): boolean {
  // RUNNER_*: the runner's own paths and names (RUNNER_TEMP, RUNNER_OS, RUNNER_ARCH), no secret among them.
  if (KEPT.has(name) || name.startsWith('LC_') || name.startsWith('RUNNER_')) return true;
  return name.startsWith('GITHUB_') && !FILE_COMMANDS_AND_TOKEN.has(name);
}

/**
 * The kept variables of `from`, then the docker config the action's docker
 * commands use, then Hub's variables `hub` (a repository's own build
 * variables among them) on top (pure).
 */
export function cleanEnv(
  from: NodeJS.ProcessEnv,
  hub: Record<string, string>,
  dockerConfig?: string,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(from))
    if (value !== undefined && isKept(name)) kept[name] = value;
  if (dockerConfig) kept.DOCKER_CONFIG = dockerConfig;
  return { ...kept, ...hub };
}

/** The environment a hook or compose test runs with: this process's, cleaned, with Hub's variables. */
export function repositoryCodeEnv(hub: Record<string, string>): Record<string, string> {
  return cleanEnv(process.env, hub, getToolEnv('docker').DOCKER_CONFIG);
}
