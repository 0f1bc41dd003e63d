import { describe, expect, test } from 'vitest';
import {
  BUILD_INPUT_NAMES,
  parseBuildInputs,
  secretValues,
  type BuildInputName,
} from '../../../src/inputs/build.js';
import { parsePlatform, type Platform } from '../../../src/platform.js';
import { actionDefaults } from '../../../support/action-runner.js';

const platforms = ['linux/amd64', 'linux/arm64'].map((p) => parsePlatform(p) as Platform);

function parse(values: Partial<Record<BuildInputName, string>>, cores = 2) {
  const defaults = actionDefaults();
  const raw = Object.fromEntries(BUILD_INPUT_NAMES.map((n) => [n, values[n] ?? defaults[n] ?? ''])) as Record<
    BuildInputName,
    string
  >;
  const problems: string[] = [];
  const options = parseBuildInputs(raw, '/ws', platforms, cores, problems);
  return { options, problems };
}

describe('build inputs', () => {
  test('defaults from action.yml: nothing extra, one build per core, hooks auto, no attestations', () => {
    const { options, problems } = parse({}, 4);
    expect(problems).toEqual([]);
    expect(options).toMatchObject({
      maxParallel: 4,
      hooks: 'auto',
      provenance: 'false',
      sbom: 'false',
      noCache: false,
      secrets: [],
    });
  });

  test.each([
    [1, { 'max-parallel': '0' }, /'max-parallel' is '0'; valid values are auto or a whole number/],
    [2, { 'max-parallel': 'two' }, /'max-parallel' is 'two'/],
    [3, { 'no-cache': 'yes' }, /'no-cache' is 'yes'; valid values are true or false/],
    [4, { hooks: 'on' }, /'hooks' is 'on'; valid values are auto, false or check/],
    [
      5,
      { 'platform-files': 'linux/s390x=Dockerfile.s390x' },
      /names 'linux\/s390x', which is not in 'platforms' \(linux\/amd64, linux\/arm64\)/,
    ],
    [6, { 'platform-files': 'sparc=Dockerfile' }, /names 'sparc'/],
    [7, { secrets: 'TOKEN=' }, /'secrets' has 'TOKEN=\*\*\*'/],
    [8, { secrets: 'no equals sign' }, /'secrets' has '\?=\*\*\*'/],
    [
      9,
      { provenance: 'sometimes' },
      /'provenance' is 'sometimes'; valid values are true, false or buildx options/,
    ],
    [10, { 'build-contexts': '=./x' }, /'build-contexts' has '=.\/x'/],
  ])('%i: rejects %j', (_n, values, message) => {
    expect(parse(values).problems.join('\n')).toMatch(message);
  });

  test('a bad secret never appears in the problem', () => {
    expect(parse({ secrets: 'bad key=hunter2' }).problems.join('\n')).not.toContain('hunter2');
  });

  test('secrets, files, platform files and contexts are parsed and resolved against the workspace', () => {
    const { options } = parse({
      secrets: 'TOKEN=a=b=c\nNPM=xyz',
      'secret-files': 'KEY=keys/id_rsa',
      'platform-files': 'arm64=Dockerfile.arm64v8',
      'build-contexts': 'assets=./assets',
      'max-parallel': '3',
      provenance: 'mode=max',
    });
    expect(options.secrets).toEqual([
      { id: 'TOKEN', value: 'a=b=c' },
      { id: 'NPM', value: 'xyz' },
      { id: 'KEY', src: '/ws/keys/id_rsa' },
    ]);
    expect(options.platformFiles).toEqual({ 'linux/arm64': '/ws/Dockerfile.arm64v8' });
    expect(options.buildContexts).toEqual(['assets=./assets']);
    expect(options).toMatchObject({ maxParallel: 3, provenance: 'mode=max' });
  });

  test.each([
    [1, 'linux/arm64=arm64/Dockerfile', { 'linux/arm64': '/ws/arm64/Dockerfile' }, {}],
    [
      2,
      'linux/arm64=arm64/Dockerfile@',
      { 'linux/arm64': '/ws/arm64/Dockerfile' },
      { 'linux/arm64': '/ws/arm64' },
    ],
    [
      3,
      'linux/arm64=arm64/Dockerfile@.',
      { 'linux/arm64': '/ws/arm64/Dockerfile' },
      { 'linux/arm64': '/ws' },
    ],
    [
      4,
      'linux/arm64=docker/Dockerfile.arm@src',
      { 'linux/arm64': '/ws/docker/Dockerfile.arm' },
      { 'linux/arm64': '/ws/src' },
    ],
  ])(
    '%i: platform-files %s: Dockerfile and context (a blank context is the Dockerfile directory)',
    (_n, value, files, contexts) => {
      const { options, problems } = parse({ 'platform-files': value });
      expect(problems).toEqual([]);
      expect(options.platformFiles).toEqual(files);
      expect(options.platformContexts).toEqual(contexts);
      expect(options.platformFilesAuto).toBe(false);
    },
  );

  test('platform-files auto is resolved later, from the files beside the Dockerfile', () => {
    const { options, problems } = parse({ 'platform-files': 'auto' });
    expect(problems).toEqual([]);
    expect(options).toMatchObject({ platformFiles: {}, platformContexts: {}, platformFilesAuto: true });
  });

  test('secret values to mask', () => {
    expect(secretValues('A=1\nB=x=y\n\nC=')).toEqual(['1', 'x=y']);
  });

  test('a quoted secret spans lines (build-push-action CSV), and each of its lines is masked too', () => {
    const secrets = '"KEY=-----BEGIN-----\nabc ""q""\n-----END-----"\nTOKEN=t,with,commas';
    const { options, problems } = parse({ secrets });
    expect(problems).toEqual([]);
    expect(options.secrets).toEqual([
      { id: 'KEY', value: '-----BEGIN-----\nabc "q"\n-----END-----' },
      { id: 'TOKEN', value: 't,with,commas' },
    ]);
    expect(secretValues(secrets)).toEqual([
      '-----BEGIN-----\nabc "q"\n-----END-----',
      '-----BEGIN-----',
      'abc "q"',
      '-----END-----',
      't,with,commas',
    ]);
  });

  test('an unclosed quote in secrets is refused without showing the value', () => {
    const { problems } = parse({ secrets: '"KEY=hunter2' });
    expect(problems.join('\n')).toMatch(/'secrets' cannot be read: a quote is not closed/);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  test("attests stands for 'provenance' and 'sbom'; giving one twice is refused", () => {
    expect(parse({ attests: 'type=provenance,mode=max\ntype=sbom' }).options).toMatchObject({
      provenance: 'mode=max',
      sbom: 'true',
      attestInputs: ["'attests' (type=provenance)", "'attests' (type=sbom)"],
    });
    expect(parse({ attests: 'type=sbom', sbom: 'true' }).problems.join('\n')).toMatch(
      /Inputs 'sbom' \('true'\) and 'attests' \(type=sbom\) both ask for sbom/,
    );
  });

  test('manifest-level annotations become buildx --annotation values', () => {
    const annotations = 'index:a=1\nmanifest:b=2\nmanifest[linux/arm64]:c=3\nmanifest-descriptor:d=4';
    expect(parse({ annotations }).options.manifestAnnotations).toEqual([
      'manifest:b=2',
      'manifest[linux/arm64]:c=3',
    ]);
  });
});
