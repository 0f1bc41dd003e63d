import { expect } from 'vitest';
import { runImage } from './run-image.js';
// The notice of Docker Hub's multi-arch template, line by line as the runner
// shows it (core escapes the newlines of a workflow command), and what
// examples/hub-template's notice and images must say.
export function templateNotice(log: string): string[] {
  const line = log.split('\n').find((l) => l.startsWith("::notice::Docker Hub's multi-arch template"));
  return (line ?? '')
    .replace(/^::notice::/, '')
    .replace(/%0A/g, '\n')
    .replace(/%25/g, '%')
    .split('\n');
}

/** The BUILD_DATE the template's hooks/build computed (its `date -u`), as the notice shows it. */
export function templateNoticeDate(notice: string[]): string {
  return /BUILD_DATE=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)/.exec(notice.join('\n'))?.[1] ?? 'no date';
}

/**
 * What examples/hub-template's notice must say, line by line, for an index at
 * `repo` (the build date as the notice has it); `qemu(name)` is the expected text about `COPY qemu-<name>-static`.
 */
export function expectedTemplateNotice(
  notice: string[],
  repo: string,
  qemu: (name: string) => string,
): unknown[] {
  const args = `VERSION=1.2.0 BUILD_DATE=${templateNoticeDate(notice)} VCS_REF=c0ffee1`;
  return [
    "Docker Hub's multi-arch template in hooks: what each hook does under the action",
    expect.stringMatching(/^ {2}hooks\/post_checkout: skipped: it only fetches qemu-user-static/),
    '  hooks/pre_build: skipped: it only registers QEMU, which this action has already done.',
    '  hooks/build: followed, not run: the action builds each platform with what the hook passed it',
    `    linux/amd64: Dockerfile (line 11, was ${repo}:latest_amd64): build args ${args}`,
    `    linux/arm64: Dockerfile.arm64v8 (line 20, was ${repo}:latest_arm64v8): build args ${args} ARCH=arm64v8`,
    `    linux/s390x: Dockerfile.s390x (line 20, was ${repo}:latest_s390x): build args ${args} ARCH=s390x`,
    "  hooks/push: skipped: it pushes each architecture's image that hooks/build tagged; this action pushes one index to 'tags' ('push').",
    "  hooks/post_push: skipped: it only assembles a manifest list, which this action pushes already: one index at 'tags'.",
    `  Dockerfile.arm64v8: ${qemu('aarch64')}`,
    `  Dockerfile.s390x: ${qemu('s390x')}`,
  ];
}

/** Each image of examples/hub-template's index at `pinned` runs as its own CPU and says what Hub would have built. */
export function expectHelloFromEachCpu(pinned: string, date: string): void {
  const hello = (arch: string, cpu: string) => `hello 1.2.0 (c0ffee1, built ${date}) from ${arch} on ${cpu}`;
  expect(runImage(pinned, { platform: 'linux/amd64' })).toBe(hello('amd64', 'x86_64'));
  expect(runImage(pinned, { platform: 'linux/arm64' })).toBe(hello('arm64v8', 'aarch64'));
  expect(runImage(pinned, { platform: 'linux/s390x' })).toBe(hello('s390x', 's390x'));
}
