import { expect, test } from 'vitest';
import { buildFailureHint } from '../../../src/buildx/build.js';
import { checkDriverSupport } from '../../../src/buildx/capabilities.js';
import type { BuildOptions } from '../../../src/build-mode/options.js';
import { smokeTestArgs } from '../../../src/build-mode/smoke-test.js';
import { NO_RUN_STEP_OPTIONS } from '../../helpers/run-step-options.js';

const base: BuildOptions = {
  target: '',
  secrets: [],
  noCache: false,
  pull: false,
  cacheFrom: [],
  cacheTo: [],
  buildContexts: [],
  provenance: 'false',
  sbom: 'false',
  platformFiles: {},
  platformContexts: {},
  platformFilesAuto: false,
  maxParallel: 1,
  testCommand: '',
  hooks: 'auto',
  ...NO_RUN_STEP_OPTIONS,
  call: 'build',
  manifestAnnotations: [],
  attestInputs: [],
};

test.each([
  [1, {}, 'docker', false, undefined],
  [2, { cacheTo: ['type=inline'] }, 'docker', false, undefined],
  [
    3,
    { cacheTo: ['type=gha'] },
    'docker',
    false,
    /'cache-to' has 'type=gha', which the docker driver cannot export/,
  ],
  [4, { attestInputs: ["'provenance'"] }, 'docker', false, /'provenance' asks for attestations/],
  [5, { attestInputs: ["'provenance'", "'sbom'"] }, 'docker', false, /'provenance' and 'sbom'/],
  [6, { attestInputs: ["'provenance'"], cacheTo: ['type=gha'] }, 'docker', true, undefined],
  [7, { attestInputs: ["'provenance'"], cacheTo: ['type=gha'] }, 'docker-container', false, undefined],
  [8, { attestInputs: ["'attests' (type=sbom)"] }, 'docker', false, /^Input 'attests' \(type=sbom\) asks/],
  [
    9,
    { manifestAnnotations: ['manifest:org.opencontainers.image.title=app'] },
    'docker',
    false,
    /'annotations' has 'manifest:org.opencontainers.image.title=app', a manifest-level annotation, which the docker driver on the classic image store cannot write/,
  ],
  [10, { manifestAnnotations: ['manifest:a=b'] }, 'docker', true, undefined],
  [11, { manifestAnnotations: ['manifest:a=b'] }, 'docker-container', false, undefined],
])('%i: %j on %s (containerd store %s)', (_n, options, driver, containerd, error) => {
  const check = () => checkDriverSupport({ ...base, ...options }, driver, containerd, '26.1.4');
  if (error) expect(check).toThrow(error);
  else expect(check).not.toThrow();
});

// Docker 20.10's BuildKit (0.8) ignores these silently: said before any build, naming the inputs.
test.each([
  [
    1,
    { shmSize: '2g' },
    'docker',
    '20.10.24+dfsg1',
    /^Input 'shm-size' cannot reach the build on Docker 20\.10\.24\+dfsg1/,
  ],
  [
    2,
    { ulimits: ['nofile=1024'], cgroupParent: '/ci' },
    'docker',
    '20.10.24',
    /'ulimit', 'cgroup-parent' cannot/,
  ],
  [3, { shmSize: '2g' }, 'docker', '22.06.0', /Use 'driver: docker-container', Docker 23 or newer/],
  [4, { shmSize: '2g', ulimits: ['nofile=1024'] }, 'docker', '23.0.0', undefined],
  [5, { shmSize: '2g', cgroupParent: '/ci' }, 'docker-container', '20.10.24', undefined],
  [6, { addHosts: ['a:10.0.0.1'], ssh: ['default'] }, 'docker', '20.10.24', undefined],
])('%i: %j on %s, engine %s', (_n, options, driver, engine, error) => {
  const check = () => checkDriverSupport({ ...base, ...options }, driver, false, engine);
  if (error) expect(check).toThrow(error);
  else expect(check).not.toThrow();
});

// Recorded from docker 20.10 / buildx 0.13 on this machine.
test.each([
  [
    1,
    'ERROR: failed to solve: executor failed running [/bin/busybox --install -s /bin]: network bridge not found',
    /network: host/,
  ],
  [
    2,
    'failed to solve with frontend dockerfile.v0: unsupported frontend capability moby.buildkit.frontend.contexts',
    /'build-contexts' needs BuildKit 0.10/,
  ],
  [3, 'ERROR: Attestation is not supported for the docker driver.', /'provenance' and 'sbom' need/],
  [4, 'exec /bin/sh: exec format error', /QEMU is not registered for it/],
  [5, 'ERROR: something else', /See the build log above/],
])('%i: hint for %j', (_n, tail, hint) => {
  expect(buildFailureHint(tail, 'linux/arm64')).toMatch(hint);
});

test('smoke test argv: the command is one argument after -c', () => {
  expect(
    smokeTestArgs(
      'linux/s390x',
      '127.0.0.1:5000/build:linux-s390x',
      'app --version && echo "$(uname -m)"',
      'host',
    ),
  ).toEqual([
    'run',
    '--rm',
    '--platform',
    'linux/s390x',
    '--network',
    'host',
    '--entrypoint',
    '/bin/sh',
    '127.0.0.1:5000/build:linux-s390x',
    '-c',
    'app --version && echo "$(uname -m)"',
  ]);
  expect(smokeTestArgs('linux/amd64', 'r', 'true', 'default')).not.toContain('--network');
});
