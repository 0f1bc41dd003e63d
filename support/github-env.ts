// Every GITHUB_* variable the runner sets for a step, for the events a Docker
// Hub build rule maps to (a branch push, a tag push, a pull request) and the
// scheduled and manual runs of a nightly, with the event payload written where
// GITHUB_EVENT_PATH points; and the `github` context expressions read, taken
// from those same variables and payload.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export type GitHubEvent =
  | { event: 'push'; branch: string; sha?: string; message?: string }
  | { event: 'push'; tag: string; sha?: string; message?: string }
  | { event: 'pull_request'; number: number; head: string; base: string; sha?: string; title?: string }
  | { event: 'schedule'; branch: string; cron: string; sha?: string }
  | { event: 'workflow_dispatch'; branch: string; sha?: string; inputs?: Record<string, string> };

const REPOSITORY = 'acme/demo';

function refs(e: GitHubEvent): Record<string, string> {
  if (e.event === 'pull_request')
    return {
      GITHUB_REF: `refs/pull/${e.number}/merge`,
      GITHUB_REF_NAME: `${e.number}/merge`,
      GITHUB_REF_TYPE: 'branch',
      GITHUB_HEAD_REF: e.head,
      GITHUB_BASE_REF: e.base,
    };
  const [kind, name] = 'tag' in e ? ['tags', e.tag] : ['heads', e.branch];
  return {
    GITHUB_REF: `refs/${kind}/${name}`,
    GITHUB_REF_NAME: name,
    GITHUB_REF_TYPE: kind === 'tags' ? 'tag' : 'branch',
    GITHUB_HEAD_REF: '',
    GITHUB_BASE_REF: '',
  };
}

function payload(e: GitHubEvent, sha: string): object {
  const repository = { full_name: REPOSITORY, name: 'demo', owner: { login: 'acme' } };
  if (e.event === 'schedule') return { schedule: e.cron, repository };
  if (e.event === 'workflow_dispatch')
    return { inputs: e.inputs ?? {}, ref: refs(e).GITHUB_REF, repository, sender: { login: 'octocat' } };
  if (e.event === 'pull_request')
    return {
      number: e.number,
      pull_request: {
        number: e.number,
        title: e.title ?? '',
        head: { ref: e.head, sha },
        base: { ref: e.base },
      },
      repository,
    };
  return {
    ref: refs(e).GITHUB_REF,
    after: sha,
    head_commit: { id: sha, message: e.message ?? '' },
    repository,
  };
}

/** The runner's GITHUB_* variables (file commands aside, which the harness sets), the payload in dir. */
export function githubEnv(e: GitHubEvent, dir: string, workspace: string): Record<string, string> {
  const sha = e.sha ?? '0123456789abcdef0123456789abcdef01234567';
  const eventPath = path.join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(payload(e, sha)));
  for (const f of ['env', 'path']) writeFileSync(path.join(dir, f), '');
  return {
    GITHUB_ACTION: '__OWNER_REPO',
    GITHUB_ACTION_REF: 'v1',
    GITHUB_ACTION_REPOSITORY: 'acme-oss/multiarch-build-action',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTOR: 'octocat',
    GITHUB_ACTOR_ID: '583231',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_ENV: path.join(dir, 'env'),
    GITHUB_EVENT_NAME: e.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
    GITHUB_JOB: 'image',
    GITHUB_PATH: path.join(dir, 'path'),
    ...refs(e),
    GITHUB_REF_PROTECTED: 'false',
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_REPOSITORY_ID: '123456789',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_REPOSITORY_OWNER_ID: '987654',
    GITHUB_RETENTION_DAYS: '90',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_RUN_NUMBER: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_SHA: sha,
    GITHUB_TRIGGERING_ACTOR: 'octocat',
    GITHUB_WORKFLOW: 'image',
    GITHUB_WORKFLOW_REF: `${REPOSITORY}/.github/workflows/image.yml@${refs(e).GITHUB_REF}`,
    GITHUB_WORKFLOW_SHA: sha,
    GITHUB_WORKSPACE: workspace,
  };
}

/** The github context's string properties that the runner takes from GITHUB_<NAME>. */
const CONTEXT_PROPERTIES = `action actor api_url base_ref event_name event_path head_ref job ref ref_name
  ref_type repository repository_owner run_attempt run_id run_number server_url sha triggering_actor
  workflow workflow_ref workspace`.split(/\s+/);

/** The `github` context of expressions, as the runner builds it from the same variables and payload. */
export function githubContext(env: Record<string, string>): Record<string, unknown> {
  const v = (name: string) => env[`GITHUB_${name.toUpperCase()}`] ?? '';
  return {
    ...Object.fromEntries(CONTEXT_PROPERTIES.map((n) => [n, v(n)])),
    ref_protected: v('ref_protected') === 'true',
    event: JSON.parse(readFileSync(v('event_path'), 'utf8')) as unknown,
  };
}
