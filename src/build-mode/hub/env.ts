// Docker Hub's build variables, derived from the GitHub context the runner
// sets (branch pushes, tag pushes, pull requests) and the first tag.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DOCKER_HUB, type Reference } from '../../registry/reference.js';
import { hubLayout } from './layout.js';

export interface HookFacts {
  tags: readonly Reference[];
  /** The repository's root, for BUILD_PATH. */
  root: string;
  context: string;
  file: string;
  network: string;
  /** build-args lines, KEY=VALUE: a Hub repository's own build variables. */
  buildArgs: readonly string[];
  github: NodeJS.ProcessEnv;
  commitMessage: string;
}

/** What Hub called the source branch: the PR's head branch, else the pushed branch or tag (pure). */
export function sourceBranch(github: NodeJS.ProcessEnv): string {
  if (github.GITHUB_HEAD_REF) return github.GITHUB_HEAD_REF;
  if (github.GITHUB_REF_NAME) return github.GITHUB_REF_NAME;
  return (github.GITHUB_REF ?? '').replace(/^refs\/(heads|tags)\//, '');
}

function buildVariables(lines: readonly string[]): Record<string, string> {
  return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/** Docker Hub's variables (pure). */
export function hookEnv(f: HookFacts): Record<string, string> {
  const first = f.tags[0];
  const repo = first
    ? `${first.registry === DOCKER_HUB ? 'index.docker.io' : first.registry}/${first.repository}`
    : `localhost/${path.basename(f.context)}`;
  const tag = first?.tag ?? 'latest';
  const { DOCKERFILE_PATH, BUILD_PATH } = hubLayout(f);
  return {
    ...buildVariables(f.buildArgs),
    SOURCE_BRANCH: sourceBranch(f.github),
    SOURCE_COMMIT: f.github.GITHUB_SHA ?? '',
    COMMIT_MSG: f.commitMessage,
    DOCKER_REPO: repo,
    DOCKERFILE_PATH,
    BUILD_PATH,
    DOCKER_TAG: tag,
    IMAGE_NAME: `${repo}:${tag}`,
    CACHE_TAG: tag,
    DOCKER_BUILDKIT: '1',
    BUILD_NETWORK: f.network || 'default',
  };
}

interface GitHubEvent {
  head_commit?: { message?: string };
  pull_request?: { title?: string };
}

/** The head commit's message from the event payload; a pull request's title when it has none. */
export function readCommitMessage(eventPath = process.env.GITHUB_EVENT_PATH): string {
  try {
    const event = JSON.parse(readFileSync(eventPath ?? '', 'utf8')) as GitHubEvent;
    return event.head_commit?.message ?? event.pull_request?.title ?? '';
  } catch {
    return '';
  }
}
