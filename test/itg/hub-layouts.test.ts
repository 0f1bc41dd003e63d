// Docker Hub layouts moved over unchanged (issue 27): a hooks/build holding
// Hub's default command, `docker build -f "$DOCKERFILE_PATH" -t "$IMAGE_NAME" .`,
// builds what the action builds without it, whatever the layout: it runs from
// the context with DOCKERFILE_PATH relative to it (src/build-mode/hub/layout.ts).
import { mkdirSync, writeFileSync, utimesSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { errorsOf, runAction } from '../../support/action-runner.js';
import { addBusybox } from '../../support/contexts.js';
import { runImage } from '../helpers/run-image.js';
import { useTargetRegistry } from '../helpers/target-registry.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { tempDir } from '../helpers/tools.js';

const skip = skipWithoutPrereqs();

/** Hub's documented default build command, after a line saying where it ran and with what. */
const HUB_BUILD =
  '#!/bin/bash\nset -euo pipefail\necho "hub-build in $(pwd) file=$DOCKERFILE_PATH path=$BUILD_PATH"\ndocker build -f "$DOCKERFILE_PATH" -t "$IMAGE_NAME" .\n';

/**
 * An image that says which Dockerfile built it and on which machine it runs.
 * No RUN: Hub's default command passes no --network, and the test engine has no bridge.
 */
const DOCKERFILE = (arch: string) =>
  [
    'FROM scratch',
    'ARG TARGETARCH',
    `COPY busybox/${arch} /bin/busybox`,
    `ENV VARIANT=${arch}`,
    'CMD ["/bin/busybox", "sh", "-c", "echo $VARIANT on $(/bin/busybox uname -m)"]',
  ].join('\n');

interface Layout {
  files: Record<string, string>;
  /** Directories (besides the root) that get busybox/: contexts other than the root. */
  busyboxIn: string[];
  inputs: Record<string, string>;
  /** What each platform's hook saw: its working directory (from the root), DOCKERFILE_PATH, BUILD_PATH. */
  saw: Record<string, [cwd: string, file: string, buildPath: string]>;
}

const perArch = (arch: string) => ({
  [`${arch}/Dockerfile`]: DOCKERFILE(arch),
  [`${arch}/hooks/build`]: HUB_BUILD,
});

const LAYOUTS: [number, string, Layout][] = [
  [
    1,
    'amd64/ and arm64/, each with its hooks/, the root as context',
    {
      files: { ...perArch('amd64'), ...perArch('arm64') },
      busyboxIn: [],
      inputs: { 'platform-files': 'linux/amd64=amd64/Dockerfile\nlinux/arm64=arm64/Dockerfile' },
      saw: {
        'linux/amd64': ['.', 'amd64/Dockerfile', '/'],
        'linux/arm64': ['.', 'arm64/Dockerfile', '/'],
      },
    },
  ],
  [
    2,
    "amd64/ and arm64/, each with its hooks/, each Dockerfile's directory as context",
    {
      files: { ...perArch('amd64'), ...perArch('arm64') },
      busyboxIn: ['amd64', 'arm64'],
      inputs: { 'platform-files': 'linux/amd64=amd64/Dockerfile@\nlinux/arm64=arm64/Dockerfile@' },
      saw: {
        'linux/amd64': ['amd64', 'Dockerfile', '/amd64'],
        'linux/arm64': ['arm64', 'Dockerfile', '/arm64'],
      },
    },
  ],
  [
    3,
    'one Dockerfile and hooks/ at the root, the root as context',
    {
      files: { Dockerfile: DOCKERFILE('${TARGETARCH}'), 'hooks/build': HUB_BUILD },
      busyboxIn: [],
      inputs: {},
      saw: { 'linux/amd64': ['.', 'Dockerfile', '/'], 'linux/arm64': ['.', 'Dockerfile', '/'] },
    },
  ],
  [
    4,
    "Dockerfile and Dockerfile.arm64v8 at the root, 'platform-files' auto",
    {
      files: {
        Dockerfile: DOCKERFILE('amd64'),
        'Dockerfile.arm64v8': DOCKERFILE('arm64'),
        'hooks/build': HUB_BUILD,
      },
      busyboxIn: [],
      inputs: { 'platform-files': 'auto' },
      saw: { 'linux/amd64': ['.', 'Dockerfile', '/'], 'linux/arm64': ['.', 'Dockerfile.arm64v8', '/'] },
    },
  ],
];

function makeRepository(layout: Layout): string {
  const dir = tempDir('hub-layout');
  // Distinct mtimes, as files checked out at different times have: Docker 20.10's BuildKit
  // re-sends a Dockerfile by name, size and mtime, so two same-sized 'Dockerfile's written in
  // the same instant (amd64/ and arm64/) would build the first one's content twice.
  let second = 0;
  for (const [name, text] of Object.entries(layout.files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
    const when = new Date(Date.now() - 60_000 + 1000 * second++);
    utimesSync(path.join(dir, name), when, when);
  }
  for (const sub of ['', ...layout.busyboxIn]) addBusybox(path.join(dir, sub));
  return dir;
}

describe.skipIf(skip)("Docker Hub layouts with Hub's default build command in hooks/build", () => {
  const t = useTargetRegistry();
  const cleanup = t.dirs;

  test.each(LAYOUTS)('%i: %s', async (n, _name, layout) => {
    const ctx = makeRepository(layout);
    cleanup.push(ctx);
    const repo = `${t.registry.address}/acme/hub-layout-${n}`;
    const run = await runAction(
      {
        platforms: 'linux/amd64,linux/arm64',
        'max-parallel': '1',
        tags: `${repo}:latest`,
        push: 'true',
        network: 'host',
        ...layout.inputs,
      },
      { cwd: ctx },
    );
    expect(errorsOf(run.main)).toBe('');
    for (const [cwd, file, buildPath] of Object.values(layout.saw))
      expect(run.main.log).toContain(`hub-build in ${path.join(ctx, cwd)} file=${file} path=${buildPath}`);
    const pinned = `${repo}@${run.outputs.digest}`;
    expect(runImage(pinned, { platform: 'linux/amd64' })).toBe('amd64 on x86_64');
    expect(runImage(pinned, { platform: 'linux/arm64' })).toBe('arm64 on aarch64');
  });
});
