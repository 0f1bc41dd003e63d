import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { ActionError } from '../../../../src/errors.js';
import { HOOK_NAMES } from '../../../../src/build-mode/hub/find.js';
import {
  filesFor,
  ruleVars,
  templateBuild,
  templateReport,
  type TemplateSite,
} from '../../../../src/build-mode/hub/template.js';

const root = path.resolve(new URL('../../../../examples/hub-template', import.meta.url).pathname);
const hooks = {
  dir: path.join(root, 'hooks'),
  present: HOOK_NAMES.filter((n) => n !== 'post_build' && !n.includes('test') && n !== 'pre_push'),
};
const texts = Object.fromEntries(
  hooks.present.map((n) => [path.join(hooks.dir, n), readFileSync(path.join(hooks.dir, n), 'utf8')]),
);
const env = (file: string) => ({
  SOURCE_BRANCH: 'v2.0.1',
  SOURCE_COMMIT: '1234567890abcdef1234567890abcdef12345678',
  DOCKER_REPO: 'index.docker.io/acme/hello',
  DOCKER_TAG: 'latest',
  IMAGE_NAME: 'index.docker.io/acme/hello:latest',
  DOCKERFILE_PATH: file,
});
const site = (platform: string, file: string): TemplateSite => ({
  platform,
  file: path.join(root, file),
  cwd: root,
  hooks,
  env: env(file),
});
const now = new Date(Date.UTC(2027, 2, 31, 23, 59, 0));
const facts = {
  ruleFile: path.join(root, 'Dockerfile'),
  files: filesFor(root, path.join(root, 'Dockerfile')),
  now,
};
const build = texts[path.join(hooks.dir, 'build')] ?? '';

test("Hub's DOCKERFILE_PATH is the rule's Dockerfile, whichever platform's file is built", () => {
  expect(ruleVars(site('linux/arm64', 'Dockerfile.arm64v8'), facts.ruleFile).DOCKERFILE_PATH).toBe(
    'Dockerfile',
  );
});

test.each<[number, string, string, string[]]>([
  [1, 'linux/amd64', 'Dockerfile', ['VERSION=2.0.1', 'BUILD_DATE=2027-03-31T23:59:00Z', 'VCS_REF=1234567']],
  [
    2,
    'linux/arm64',
    'Dockerfile.arm64v8',
    ['VERSION=2.0.1', 'BUILD_DATE=2027-03-31T23:59:00Z', 'VCS_REF=1234567', 'ARCH=arm64v8'],
  ],
  [
    3,
    'linux/s390x',
    'Dockerfile.s390x',
    ['VERSION=2.0.1', 'BUILD_DATE=2027-03-31T23:59:00Z', 'VCS_REF=1234567', 'ARCH=s390x'],
  ],
])('%i: %s gets the build args the loop passed %s', (_n, platform, file, args) => {
  expect(templateBuild(site(platform, file), 'hooks/build', build, facts)?.buildArgs).toEqual(args);
});

test('a platform no docker build of the hook builds gets none', () => {
  expect(
    templateBuild(site('linux/ppc64le', 'Dockerfile.ppc64le'), 'hooks/build', build, facts),
  ).toBeUndefined();
});

test('a line the action cannot follow fails naming the hook, the platform, the line and the fix', () => {
  const bad = build.replace('VCS_REF=$(git rev-parse --short HEAD)', 'VCS_REF=$(git describe --always)');
  expect(() => templateBuild(site('linux/arm64', 'Dockerfile.arm64v8'), 'hooks/build', bad, facts)).toThrow(
    ActionError,
  );
  expect(() => templateBuild(site('linux/arm64', 'Dockerfile.arm64v8'), 'hooks/build', bad, facts)).toThrow(
    /^Cannot follow hooks\/build for linux\/arm64: line 11 'docker build --build-arg VERSION=.*\.\.\.': cannot evaluate \$\(git describe --always\) \(set as VCS_REF on line 8\)\. .*'build-args'/,
  );
});

test('the report: hook by hook, the build of each platform, the QEMU lines', () => {
  const sites = [site('linux/amd64', 'Dockerfile'), site('linux/arm64', 'Dockerfile.arm64v8')].map((s) => ({
    ...s,
    hookBuild: templateBuild(s, 'hooks/build', build, facts),
  }));
  const lines = templateReport(sites, texts, root, () => 'left out (F flag)');
  expect(lines).toEqual([
    "Docker Hub's multi-arch template in hooks: what each hook does under the action",
    expect.stringMatching(/^ {2}hooks\/post_checkout: skipped: it only fetches qemu-user-static/),
    expect.stringMatching(/^ {2}hooks\/pre_build: skipped: it only registers QEMU/),
    '  hooks/build: followed, not run: the action builds each platform with what the hook passed it',
    '    linux/amd64: Dockerfile (line 11, was index.docker.io/acme/hello:latest_amd64): build args VERSION=2.0.1 BUILD_DATE=2027-03-31T23:59:00Z VCS_REF=1234567',
    '    linux/arm64: Dockerfile.arm64v8 (line 20, was index.docker.io/acme/hello:latest_arm64v8): build args VERSION=2.0.1 BUILD_DATE=2027-03-31T23:59:00Z VCS_REF=1234567 ARCH=arm64v8',
    expect.stringMatching(/^ {2}hooks\/push: skipped: it pushes each architecture's image/),
    expect.stringMatching(/^ {2}hooks\/post_push: skipped: it only assembles a manifest list/),
    "  Dockerfile.arm64v8: 'COPY qemu-aarch64-static /usr/bin/' left out (F flag)",
  ]);
});
