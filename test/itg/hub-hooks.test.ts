// Docker Hub Autobuild repositories moved over unchanged, run through dist/
// as the runner runs it: every hook name in Hub's order with Hub's variables
// (the hooks record what they saw), a failing sut that stops the push, and the
// Dockerfile.<arch> layout whose hooks only redo what the action does.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { errorsOf, leaks, runAction } from '../../support/action-runner.js';
import { addBusybox } from '../../support/contexts.js';
import { templateNotice } from '../helpers/hub-notice.js';
import { PER_ARCH_BUILD_HOOK } from '../helpers/hub-hooks.js';
import { runImage } from '../helpers/run-image.js';
import { useTargetRegistry } from '../helpers/target-registry.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { tempDir } from '../helpers/tools.js';

const skip = skipWithoutPrereqs();

const DOCKERFILE = (arch: string, extra = '') =>
  [
    'FROM scratch',
    `COPY busybox/${arch} /bin/busybox`,
    'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
    extra,
    `RUN echo "${arch} on $(uname -m)" > /variant`,
    'CMD ["cat", "/variant"]',
  ].join('\n');

/** A context from file contents; hooks are made executable. */
function makeContext(files: Record<string, string>): string {
  const dir = tempDir('hub-ctx');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
    if (name.includes('hooks/')) chmodSync(path.join(dir, name), 0o755);
  }
  addBusybox(dir);
  return dir;
}

const exists = (ref: string) =>
  spawnSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]).status === 0;

/** Each hook logs Hub's variables to hook.log and its whole environment to env-<hook> (beside hooks/, its cwd). */
const RECORD = (name: string) =>
  `#!/bin/bash\necho "${name} \${DOCKER_DEFAULT_PLATFORM:--} branch=$SOURCE_BRANCH commit=$SOURCE_COMMIT msg=$COMMIT_MSG repo=$DOCKER_REPO tag=$DOCKER_TAG file=$DOCKERFILE_PATH image=$IMAGE_NAME var=$GREETING" >> hook.log\nenv > env-${name}\n`;

/** What the action holds that code from the repository must never see (issue 24). */
const SECRETS = {
  password: 'hub-password-4f1c',
  secret: 'hub-build-secret-9b2e',
  runtime: 'hub-runtime-token-77aa',
  oidc: 'hub-oidc-token-31d0',
};
const secretInputs = { username: 'bot', password: SECRETS.password, secrets: `npm_token=${SECRETS.secret}` };
const secretEnv = {
  ACTIONS_RUNTIME_TOKEN: SECRETS.runtime,
  ACTIONS_RUNTIME_URL: 'http://127.0.0.1:9/runtime/',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: SECRETS.oidc,
  ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/oidc',
};

describe.skipIf(skip)('Docker Hub hooks', () => {
  const t = useTargetRegistry();
  const cleanup = t.dirs;

  test('every hook name runs in Hub order, once per directory or per platform, with Hub variables', async () => {
    const hooks = Object.fromEntries(
      [
        'post_checkout',
        'pre_build',
        'post_build',
        'pre_test',
        'test',
        'post_test',
        'pre_push',
        'post_push',
      ].map((n) => [`hooks/${n}`, RECORD(n)]),
    );
    const ctx = makeContext({
      Dockerfile:
        'FROM scratch\nARG TARGETARCH\nCOPY busybox/${TARGETARCH} /bin/busybox\nCMD ["/bin/busybox", "true"]\n',
      ...hooks,
      'hooks/build': `${RECORD('build')}docker build --network host --platform "$DOCKER_DEFAULT_PLATFORM" -f "$DOCKERFILE_PATH" -t "$IMAGE_NAME" .\n`,
      // A custom push: the platform's image is in the engine as IMAGE_NAME, as on Hub.
      'hooks/push': `${RECORD('push')}arch=\${DOCKER_DEFAULT_PLATFORM##*/}\ndocker tag "$IMAGE_NAME" "$DOCKER_REPO:$DOCKER_TAG-$arch"\ndocker push "$DOCKER_REPO:$DOCKER_TAG-$arch"\ndocker image rm "$DOCKER_REPO:$DOCKER_TAG-$arch"\n`,
    });
    cleanup.push(ctx);
    const hookLog = path.join(ctx, 'hook.log');
    const repo = `${t.registry.address}/acme/hub-all`;
    const run = await runAction(
      {
        platforms: 'linux/amd64,linux/arm64',
        'max-parallel': '1',
        tags: `${repo}:pr-7`,
        push: 'true',
        network: 'host',
        'build-args': 'GREETING=hello',
        ...secretInputs,
      },
      {
        cwd: ctx,
        env: secretEnv,
        github: {
          event: 'pull_request',
          number: 7,
          head: 'feature/arm',
          base: 'main',
          sha: 'f'.repeat(40),
          title: 'Add arm64',
        },
      },
    );
    expect(errorsOf(run.main)).toBe('');
    const lines = readFileSync(hookLog, 'utf8').trim().split('\n');
    expect(lines.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      'post_checkout -',
      'pre_build -',
      'build linux/amd64',
      'build linux/arm64',
      'post_build linux/amd64',
      'post_build linux/arm64',
      'pre_test linux/amd64',
      'test linux/amd64',
      'post_test linux/amd64',
      'pre_test linux/arm64',
      'test linux/arm64',
      'post_test linux/arm64',
      'pre_push -',
      'push linux/amd64',
      'push linux/arm64',
      'post_push -',
    ]);
    const vars = `branch=feature/arm commit=${'f'.repeat(40)} msg=Add arm64 repo=${repo} tag=pr-7 file=Dockerfile`;
    for (const l of lines) expect(l).toContain(vars);
    expect(lines.every((l) => l.endsWith('var=hello'))).toBe(true);
    expect(lines[0]).toContain(`image=${repo}:pr-7`);
    expect(lines[2]).toMatch(/image=127\.0\.0\.1:\d+\/build:linux-amd64/);
    expect(lines[13]).toContain(`image=${repo}:pr-7`);
    // The push hooks replaced the push: their tags are there, the action's is not.
    expect(run.main.log).toContain('hooks/push replaces the push');
    expect([exists(`${repo}:pr-7-amd64`), exists(`${repo}:pr-7-arm64`), exists(`${repo}:pr-7`)]).toEqual([
      true,
      true,
      false,
    ]);
    // What the action tagged in the engine for the push hooks is gone after post.
    expect(spawnSync('docker', ['image', 'inspect', `${repo}:pr-7`]).status).not.toBe(0);
    // Each hook had Hub's variables and a minimal environment: no input, token or file command.
    for (const hook of ['post_checkout', 'pre_test', 'push', 'post_push']) {
      const env = readFileSync(path.join(ctx, `env-${hook}`), 'utf8');
      for (const value of Object.values(SECRETS)) expect(env).not.toContain(value);
      const names = env.split('\n').map((l) => l.slice(0, l.indexOf('=')));
      expect(names.filter((n) => /^(INPUT_|ACTIONS_|STATE_)/.test(n))).toEqual([]);
      for (const n of ['GITHUB_ENV', 'GITHUB_OUTPUT', 'GITHUB_PATH', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY'])
        expect(names).not.toContain(n);
      for (const n of [
        'IMAGE_NAME',
        'DOCKERFILE_PATH',
        'SOURCE_BRANCH',
        'DOCKER_REPO',
        'PATH',
        'HOME',
        'GITHUB_SHA',
      ])
        expect(names).toContain(n);
      expect(env).toContain('SOURCE_BRANCH=feature/arm\n');
    }
    expect(leaks(run, ...Object.values(SECRETS))).toEqual([]);
  });

  test('a failing sut stops the push and names the platform; its compose project is removed', async () => {
    const ctx = makeContext({
      Dockerfile:
        'FROM scratch\nARG TARGETARCH\nCOPY busybox/${TARGETARCH} /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n',
      // Compose interpolates from its own environment, and passes `- NAME` through from it.
      'docker-compose.test.yml': [
        'services:',
        '  sut:',
        '    image: ${IMAGE_NAME}',
        '    environment:',
        '      - PW=${INPUT_PASSWORD:-dropped}',
        '      - RT=${ACTIONS_RUNTIME_TOKEN:-dropped}',
        '      - OIDC=${ACTIONS_ID_TOKEN_REQUEST_TOKEN:-dropped}',
        '      - IMG=${IMAGE_NAME}',
        '      - FILE=${DOCKERFILE_PATH}',
        '      - BRANCH=${SOURCE_BRANCH}',
        '      - INPUT_SECRETS',
        '    command: ["sh", "-c", "env | sed s/^/sut-env:/; echo sut on $$(uname -m); test $$(uname -m) != aarch64"]',
        '',
      ].join('\n'),
    });
    cleanup.push(ctx);
    const ref = `${t.registry.address}/acme/hub-sut:1`;
    const run = await runAction(
      { platforms: 'linux/amd64,linux/arm64', tags: ref, push: 'true', network: 'host', ...secretInputs },
      { cwd: ctx, env: secretEnv },
    );
    expect(run.main.exitCode).not.toBe(0);
    expect(errorsOf(run.main)).toMatch(
      /Docker Hub's automated test failed on linux\/arm64: service 'sut' of '.*docker-compose\.test\.yml' exited 1\. Nothing was pushed/,
    );
    expect(run.main.log).toContain('sut on x86_64');
    expect(run.main.log).toContain('sut on aarch64');
    // Hub's variables reached compose; the action's inputs and tokens did not.
    for (const line of ['PW=dropped', 'RT=dropped', 'OIDC=dropped', 'FILE=Dockerfile', 'BRANCH=main'])
      expect(run.main.log).toContain(`sut-env:${line}`);
    expect(run.main.log).toMatch(/sut-env:IMG=127\.0\.0\.1:\d+\/build:linux-amd64/);
    expect(run.main.log).not.toContain('sut-env:INPUT_SECRETS');
    expect(leaks(run, ...Object.values(SECRETS))).toEqual([]);
    expect(exists(ref)).toBe(false);
    const left = execFileSync('docker', ['ps', '-aq', '--filter', 'label=com.docker.compose.project'], {
      encoding: 'utf8',
    });
    expect(left.trim()).toBe('');
  });

  test('Dockerfile.<arch> with hooks that do it all themselves: platform-files auto, each hook skipped with what replaces it', async () => {
    const ctx = makeContext({
      Dockerfile: DOCKERFILE('amd64'),
      'Dockerfile.arm64v8': DOCKERFILE('arm64', 'COPY qemu-aarch64-static /usr/bin/'),
      'Dockerfile.s390x': DOCKERFILE('s390x'),
      'hooks/post_checkout':
        '#!/bin/bash\n# Download the QEMU static binaries for our target architectures\ncurl -L https://github.com/multiarch/qemu-user-static/releases/download/v7.2.0-1/x86_64_qemu-aarch64-static.tar.gz | tar zxvf - -C .\n',
      'hooks/build': PER_ARCH_BUILD_HOOK,
      'hooks/post_push':
        '#!/bin/bash\ncurl -Lo manifest-tool https://github.com/estesp/manifest-tool/releases/download/v0.9.0/manifest-tool-linux-amd64\nchmod +x manifest-tool\n./manifest-tool push from-spec multi-arch-manifest.yaml\n',
    });
    cleanup.push(ctx);
    const ref = `${t.registry.address}/acme/hub-auto:latest`;
    const run = await runAction(
      {
        platforms: 'linux/amd64,linux/arm64',
        'platform-files': 'auto',
        tags: ref,
        push: 'true',
        network: 'host',
      },
      { cwd: ctx },
    );
    expect(errorsOf(run.main)).toBe('');
    const log = run.main.log;
    expect(log).toContain("'platform-files' auto: linux/arm64 builds");
    expect(log).toContain(
      "'platform-files' auto: Dockerfile.s390x is not built; add linux/s390x to 'platforms'",
    );
    // One notice for the template's hooks, hook by hook; none of its own per hook or per platform.
    expect(templateNotice(log)).toEqual([
      "Docker Hub's multi-arch template in hooks: what each hook does under the action",
      expect.stringMatching(/^ {2}hooks\/post_checkout: skipped: it only fetches qemu-user-static/),
      '  hooks/build: followed, not run: the action builds each platform with what the hook passed it',
      "    linux/amd64: Dockerfile: no docker build in the hook builds it; built without the hook's build args",
      `    linux/arm64: Dockerfile.arm64v8 (line 4, was ${t.registry.address}/acme/hub-auto:arm64v8): no build args`,
      "  hooks/post_push: skipped: it only assembles a manifest list, which this action pushes already: one index at 'tags'.",
      "  Dockerfile.arm64v8: 'COPY qemu-aarch64-static /usr/bin/' left out: QEMU is registered with the F flag, so no interpreter is needed in the image",
    ]);
    expect(log).not.toMatch(/^::notice::Skipping/m);
    for (const hook of ['post_checkout', 'post_push'])
      expect(log).toContain(`Skipping hooks/${hook}: the multi-arch template's notice says why`);
    const pinned = `${t.registry.address}/acme/hub-auto@${run.outputs.digest}`;
    for (const [platform, want] of [
      ['linux/amd64', 'amd64 on x86_64'],
      ['linux/arm64', 'arm64 on aarch64'],
    ] as const) {
      expect(runImage(pinned, { platform })).toBe(want);
    }
  });

  test('a Dockerfile.* build loop without per-platform files fails before anything slow, naming the input', async () => {
    const ctx = makeContext({
      Dockerfile: DOCKERFILE('amd64'),
      'Dockerfile.arm64v8': DOCKERFILE('arm64'),
      'hooks/build': '#!/bin/bash\nfor FILE in Dockerfile.*; do docker build -f $FILE .; done\n',
    });
    cleanup.push(ctx);
    const run = await runAction({ platforms: 'linux/amd64,linux/arm64', network: 'host' }, { cwd: ctx });
    expect(run.main.exitCode).not.toBe(0);
    expect(errorsOf(run.main)).toMatch(
      /builds every Dockerfile.<arch> itself, but no platform has a Dockerfile of its own\. Set 'platform-files' to auto/,
    );
    expect(run.main.log).not.toContain('::group::Registering QEMU emulators');
  });
});
