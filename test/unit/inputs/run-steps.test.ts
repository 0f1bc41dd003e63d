import { describe, expect, test } from 'vitest';
import {
  secretEnvValues,
  parseRunStepInputs,
  RUN_STEP_INPUT_NAMES,
  secretEnvProblems,
  type RunStepInputName,
} from '../../../src/inputs/run-steps.js';
import { actionDefaults } from '../../../support/action-runner.js';
import { NO_RUN_STEP_OPTIONS } from '../../helpers/run-step-options.js';

function parse(values: Partial<Record<RunStepInputName, string>>) {
  const defaults = actionDefaults();
  const raw = Object.fromEntries(
    RUN_STEP_INPUT_NAMES.map((n) => [n, values[n] ?? defaults[n] ?? '']),
  ) as Record<RunStepInputName, string>;
  const problems: string[] = [];
  return { options: parseRunStepInputs(raw, problems), problems };
}

describe('run-step inputs (build-push-action names and list syntax)', () => {
  test('defaults from action.yml: nothing passed', () => {
    expect(parse({})).toEqual({
      options: { ...NO_RUN_STEP_OPTIONS, secretEnvs: [] },
      problems: [],
    });
  });

  test.each([
    [
      1,
      { 'add-hosts': 'docker:10.180.0.1,db=192.168.1.5' },
      { addHosts: ['docker:10.180.0.1', 'db=192.168.1.5'] },
    ],
    [
      2,
      { 'add-hosts': 'a:10.0.0.1\nv6=::1\ngw:host-gateway' },
      { addHosts: ['a:10.0.0.1', 'v6=::1', 'gw:host-gateway'] },
    ],
    [3, { 'shm-size': '2g' }, { shmSize: '2g' }],
    [4, { 'shm-size': '536870912' }, { shmSize: '536870912' }],
    [5, { 'shm-size': '1.5GiB' }, { shmSize: '1.5GiB' }],
    [6, { ulimit: 'nofile=1024:2048\nnproc=-1' }, { ulimits: ['nofile=1024:2048', 'nproc=-1'] }],
    [7, { 'cgroup-parent': ' /actions-builds ' }, { cgroupParent: '/actions-builds' }],
    [8, { allow: 'network.host, security.insecure' }, { allow: ['network.host', 'security.insecure'] }],
    [
      9,
      { ssh: 'default\ngithub=/home/u/.ssh/id_ed25519' },
      { ssh: ['default', 'github=/home/u/.ssh/id_ed25519'] },
    ],
    [10, { 'no-cache-filters': 'deps,test' }, { noCacheFilters: ['deps', 'test'] }],
    [
      11,
      { 'secret-envs': 'GIT_AUTH_TOKEN=MY_TOKEN,npm=NPM_TOKEN' },
      {
        secretEnvs: [
          { id: 'GIT_AUTH_TOKEN', env: 'MY_TOKEN' },
          { id: 'npm', env: 'NPM_TOKEN' },
        ],
      },
    ],
  ])('%i: accepts %j', (_n, values, expected) => {
    const { options, problems } = parse(values);
    expect(problems).toEqual([]);
    expect(options).toMatchObject(expected);
  });

  test.each([
    [1, { 'add-hosts': 'docker' }, /^Input 'add-hosts' has 'docker'; each entry is HOST:IP or HOST=IP/],
    [2, { 'add-hosts': 'docker:not-an-ip' }, /'add-hosts' has 'docker:not-an-ip'/],
    [
      3,
      { 'shm-size': '2 gigs' },
      /^Input 'shm-size' is '2 gigs'; valid values are a size in bytes or with a unit .* such as 2g/,
    ],
    [4, { 'shm-size': '-1' }, /'shm-size' is '-1'/],
    [
      5,
      { ulimit: 'nofile' },
      /^Input 'ulimit' has 'nofile'; each line is NAME=SOFT\[:HARD\] with NAME one of core, .*nofile/,
    ],
    [6, { ulimit: 'files=10' }, /'ulimit' has 'files=10'/],
    [
      7,
      { ulimit: 'nofile=2048:1024' },
      /'ulimit' has 'nofile=2048:1024', whose soft limit is above its hard limit/,
    ],
    [8, { 'cgroup-parent': 'a b' }, /^Input 'cgroup-parent' is 'a b'; a cgroup path has no spaces/],
    [
      9,
      { allow: 'network.host,root' },
      /^Input 'allow' has 'root'; valid entitlements are network.host, security.insecure/,
    ],
    [10, { ssh: 'my key=/k' }, /^Input 'ssh' has 'my key=\/k'; each entry is default, ID or ID=PATH/],
    [11, { 'no-cache-filters': 'deps,-x' }, /^Input 'no-cache-filters' has '-x', which is not a stage name/],
    [12, { 'secret-envs': 'TOKEN' }, /^Input 'secret-envs' has 'TOKEN'; each entry is ID=ENVVAR/],
    [13, { 'secret-envs': 'tok=$MY_TOKEN' }, /'secret-envs' has 'tok=\$MY_TOKEN'/],
  ])('%i: rejects %j, naming the input, the value and what is valid', (_n, values, message) => {
    expect(parse(values).problems.join('\n')).toMatch(message);
  });

  test.each([
    [1, { MY_TOKEN: 's3cret' }, []],
    [2, { MY_TOKEN: '' }, []],
    [
      3,
      {},
      [
        "Input 'secret-envs' gives secret 'git' the environment variable 'MY_TOKEN', which is not set in this step's environment; set it with the step's env: (e.g. MY_TOKEN: ${{ secrets.MY_TOKEN }}).",
      ],
    ],
  ])('%i: secret-envs against the environment %j', (_n, env, problems) => {
    expect(
      secretEnvProblems(
        [
          { id: 'git', env: 'MY_TOKEN' },
          { id: 'f', src: '/f' },
        ],
        env,
      ),
    ).toEqual(problems);
  });
});

describe('secret-envs values are masked', () => {
  const env = { TOKEN: 's3cret', MULTI: 'line one\n  line two', EMPTY: '' };
  test('each named variable that is set, and each line of a multi-line one', () => {
    expect(secretEnvValues('A=TOKEN,B=MULTI,C=EMPTY,D=UNSET', env)).toEqual([
      's3cret',
      'line one\n  line two',
      'line one',
      'line two',
    ]);
  });
  test('newline-separated entries; entries that do not parse mask nothing', () => {
    expect(secretEnvValues('A=TOKEN\nnot an entry\nB=$TOKEN', env)).toEqual(['s3cret']);
  });
});
