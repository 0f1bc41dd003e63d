// Docker Hub's automated tests: docker-compose.test.yml's `sut` service, run
// as Hub ran it (up, wait for sut, its exit code decides, down), per platform.
import * as core from '@actions/core';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ActionError, ExecError } from '../../errors.js';
import { run } from '../../exec.js';
import { repositoryCodeEnv } from './clean-env.js';

/** How compose is called: the v2 plugin (`docker compose`) or a `docker-compose` binary. */
export interface Compose {
  tool: string;
  prefix: string[];
}

/** The compose this runner has; fails before anything slow when there is none. */
export async function findCompose(composeFile: string): Promise<Compose> {
  for (const c of [
    { tool: 'docker', prefix: ['compose'] },
    { tool: 'docker-compose', prefix: [] },
  ]) {
    const r = await run(c.tool, [...c.prefix, 'version'], { silent: true, allowFailure: true });
    if (r.exitCode === 0) return c;
  }
  throw new ActionError(
    `Docker Hub's automated tests need Docker Compose: '${composeFile}' has them, but neither 'docker compose' nor 'docker-compose' runs here.`,
    `Install the Compose v2 plugin (apt-get install docker-compose-plugin, or Debian trixie's docker-compose), or set 'hooks' to false to skip Hub's hooks and tests.`,
  );
}

/** Compose's project name: run-unique and in the characters compose allows (pure). */
export function projectName(runId: string, platform: string): string {
  return `hubtest-${runId}-${platform}`.toLowerCase().replace(/[^a-z0-9_-]/g, '-');
}

/** The override that puts every service on the host network (pure; JSON is YAML). */
export function hostNetworkOverride(services: readonly string[]): string {
  return JSON.stringify({
    services: Object.fromEntries(services.map((s) => [s, { network_mode: 'host' }])),
  });
}

export interface ComposeTest {
  compose: Compose;
  file: string;
  platform: string;
  project: string;
  network: string;
  runDir: string;
  env: Record<string, string>;
}

/** Compose interpolates the file from its environment: Hub's variables and a minimal rest (clean-env.ts). */
const composeEnv = (t: ComposeTest) => ({ env: repositoryCodeEnv(t.env), inheritEnv: false });

async function files(t: ComposeTest): Promise<string[]> {
  const args = [...t.compose.prefix, '-f', t.file];
  if (t.network !== 'host') return args;
  const services = await run(t.compose.tool, [...args, 'config', '--services'], {
    silent: true,
    ...composeEnv(t),
  });
  const override = path.join(t.runDir, `${t.project}.override.yml`);
  writeFileSync(override, hostNetworkOverride(services.stdout.split('\n').filter(Boolean)));
  return [...args, '-f', override];
}

export async function runComposeTest(t: ComposeTest): Promise<void> {
  const base = [...(await files(t)), '-p', t.project];
  const opts = { cwd: path.dirname(t.file), ...composeEnv(t) };
  try {
    await run(t.compose.tool, [...base, 'up', '--exit-code-from', 'sut'], opts);
  } catch (err) {
    if (!(err instanceof ExecError)) throw err;
    throw new ActionError(
      `Docker Hub's automated test failed on ${t.platform}: service 'sut' of '${t.file}' exited ${err.exitCode}.`,
      `Nothing was pushed. See its output above.`,
    );
  } finally {
    const down = await run(t.compose.tool, [...base, 'down', '--volumes', '--remove-orphans'], {
      ...opts,
      silent: true,
      allowFailure: true,
    });
    if (down.exitCode !== 0)
      core.warning(`Could not remove compose project '${t.project}': ${down.stderr.trim()}`);
  }
}
