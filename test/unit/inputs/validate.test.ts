// Inputs through real INPUT_* variables, with the defaults from action.yml.
import { afterEach, describe, expect, test } from 'vitest';
import { splitList } from '../../../src/inputs/parsers.js';
import { getInputs, type RawInputs } from '../../../src/inputs/read.js';
import { validateInputs } from '../../../src/inputs/validate.js';
import { actionDefaults } from '../../../support/action-runner.js';

function setInputs(values: Record<string, string>): void {
  for (const [k, v] of Object.entries({ ...actionDefaults(), ...values }))
    process.env[`INPUT_${k.toUpperCase()}`] = v;
}

afterEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
});

function validate(values: Record<string, string>) {
  setInputs(values);
  return validateInputs(getInputs(), '/work');
}

describe('inputs', () => {
  test('defaults from action.yml: amd64 and arm64, context ., no push', () => {
    const { inputs } = validate({});
    expect(inputs.platforms.map((p) => `${p.os}/${p.architecture}`)).toEqual(['linux/amd64', 'linux/arm64']);
    expect(inputs).toMatchObject({
      context: '/work',
      file: '/work/Dockerfile',
      push: false,
      qemu: 'auto',
      qemuFallbackImage:
        'multiarch/qemu-user-static@sha256:c772ee1965aa0be9915ee1b018a0dd92ea361b4fa1bcab5bbc033517749b2af4',
      tags: [],
    });
    expect(inputs.qemuImage).toMatch(/^tonistiigi\/binfmt:qemu-v\d+\.\d+\.\d+@sha256:[a-f0-9]{64}$/);
  });

  test.each([
    [
      1,
      { platforms: 'linux/amd64,linux/sparc64' },
      /unknown platform 'linux\/sparc64'.*valid platforms are linux\/amd64/,
    ],
    [2, { push: 'yes' }, /Input 'push' is 'yes'; valid values are true or false/],
    [3, { push: 'true' }, /'push' is true but 'tags' is empty/],
    [
      4,
      { tags: 'ghcr.io/Acme/app:1' },
      /Input 'tags' has invalid reference 'ghcr.io\/Acme\/app:1': .*lowercase/,
    ],
    [5, { tags: `ghcr.io/a/b@sha256:${'0'.repeat(64)}` }, /pins a digest/],
    [6, { username: 'bot' }, /'username' and 'password' go together; only 'username'/],
    [7, { network: 'bridge0' }, /Input 'network' is 'bridge0'; valid values are default, host, none/],
    [8, { qemu: 'emulate' }, /Input 'qemu' is 'emulate'; valid values are auto, image, host, false/],
    [9, { 'build-args': 'GOOD=1\n=nokey' }, /Input 'build-args' has '=nokey'/],
    [10, { labels: 'a b=c' }, /Input 'labels' has 'a b=c'/],
    [11, { platforms: ' , ' }, /'platforms' is empty/],
    [
      12,
      { 'buildx-version': '0.13' },
      /Input 'buildx-version' is '0\.13'; valid values are auto, latest, system or a version/,
    ],
    [
      13,
      { 'buildx-version': 'v0.9.1' },
      /Input 'buildx-version' is 'v0\.9\.1'; this action needs buildx 0\.10\.0 or newer/,
    ],
    [
      14,
      { 'buildx-version': 'latest', 'buildx-url': 'http://mirror.local/buildx' },
      /'buildx-version' is 'latest' but 'buildx-url' is a mirror, which has no "latest"; pin a version/,
    ],
    [
      15,
      { 'buildx-url': 'ftp://mirror.local/buildx' },
      /Input 'buildx-url' is 'ftp:\/\/mirror\.local\/buildx'; give an http\(s\) URL/,
    ],
    [
      16,
      { driver: 'kubernetes' },
      /Input 'driver' is 'kubernetes'; valid values are docker, docker-container/,
    ],
    [
      17,
      { 'local-registry': 'podman' },
      /Input 'local-registry' is 'podman'; valid values are auto, binary, container/,
    ],
    [
      18,
      { 'registry-url': 'mirror.local' },
      /Input 'registry-url' is 'mirror\.local'; give an http\(s\) URL/,
    ],
    [19, { qemu: 'image', 'qemu-image': ' ' }, /'qemu' is image but 'qemu-image' is empty/],
    [
      20,
      { sources: 'ghcr.io/a/B:1', tags: 'ghcr.io/a/b:1' },
      /Input 'sources' has invalid reference 'ghcr.io\/a\/B:1': .*use name:tag, name@sha256:<digest> or oci-archive:PATH/,
    ],
    [21, { sources: 'ghcr.io/a/b:1' }, /Input 'sources' is set but 'tags' is empty/],
    [22, { 'index-format': 'v2' }, /Input 'index-format' is 'v2'; valid values are auto, oci, docker/],
    [23, { attestations: 'drop' }, /Input 'attestations' is 'drop'; valid values are keep, strip/],
    [
      24,
      { annotations: 'no-equals' },
      /Input 'annotations' has 'no-equals'; each line must be \[LEVEL:\]KEY=VALUE/,
    ],
    [
      25,
      { 'insecure-registries': 'http://reg:5000' },
      /Input 'insecure-registries' has 'http:\/\/reg:5000'; each entry is a registry host\[:port\]/,
    ],
    [
      26,
      { 'buildx-version': 'v0.19.2', 'buildx-url': 'http://mirror.local/buildx' },
      /^Input 'buildx-url' is 'http:\/\/mirror\.local\/buildx': downloads must use https, .* Use an https mirror, or set 'allow-insecure-downloads: true' for a mirror on a network you trust\.$/,
    ],
    [
      27,
      { 'registry-url': 'HTTP://127.0.0.1:8080/distribution' },
      /^Input 'registry-url' is 'HTTP:\/\/127\.0\.0\.1:8080\/distribution': downloads must use https/,
    ],
    [
      28,
      { 'registry-url': 'http://mirror.local', 'allow-insecure-downloads': 'yes' },
      /Input 'allow-insecure-downloads' is 'yes'; valid values are true or false/,
    ],
    [29, { load: 'true' }, /^Input 'load' is true but 'tags' is empty/],
    [
      30,
      { sources: 'ghcr.io/a/b:1', tags: 'ghcr.io/a/b:2', annotations: 'manifest:a=b' },
      /Input 'annotations' has manifest-level entries \(manifest:a=b\), but merge-only mode copies each image manifest by digest/,
    ],
    [
      31,
      { sources: 'ghcr.io/a/b:1', tags: 'ghcr.io/a/b:2', load: 'true' },
      /Input 'load' is true, but merge-only mode builds nothing to load/,
    ],
    [
      32,
      { sources: 'ghcr.io/a/b:1', tags: 'ghcr.io/a/b:2', call: 'check' },
      /Input 'call' is 'check', but merge-only mode builds nothing to evaluate/,
    ],
  ])('%i: rejects %j', (_n, values, message) => {
    expect(() => validate(values)).toThrow(message);
  });

  test('annotations by level: the index keeps unprefixed and index: lines; index-descriptor without oci-archive warns', () => {
    const { inputs, warnings } = validate({
      annotations: 'a=1\nindex:b=2\nmanifest-descriptor:c=3\nindex-descriptor:d=4',
    });
    expect(inputs.annotations).toEqual({ a: '1', b: '2' });
    expect(inputs.leveledAnnotations.map((a) => a.level)).toEqual([
      'index',
      'index',
      'manifest-descriptor',
      'index-descriptor',
    ]);
    expect(warnings.join('\n')).toMatch(
      /'annotations' has index-descriptor: entries, .* 'oci-archive' is not set/,
    );
  });

  test('tool inputs: defaults from action.yml, versions get their v, mirrors lose trailing slashes', () => {
    expect(validate({}).inputs).toMatchObject({
      buildxVersion: 'auto',
      buildxUrl: '',
      driver: 'docker',
      buildkitdConfig: '',
      localRegistry: 'auto',
      registryUrl: '',
    });
    expect(validate({}).inputs.buildkitImage).toMatch(/^moby\/buildkit:v\d+\.\d+\.\d+@sha256:[a-f0-9]{64}$/);
    expect(validate({}).inputs.registryImage).toMatch(/^registry:2\.8\.3@sha256:[a-f0-9]{64}$/);
    const { inputs, warnings } = validate({
      'buildx-version': '0.13.1',
      'buildx-url': 'https://mirror.local/buildx/',
      'registry-url': 'https://mirror.local/distribution//',
      driver: 'docker-container',
      'buildkitd-config': 'ci/buildkitd.toml',
    });
    expect(inputs).toMatchObject({
      buildxVersion: 'v0.13.1',
      buildxUrl: 'https://mirror.local/buildx',
      registryUrl: 'https://mirror.local/distribution',
      buildkitdConfig: '/work/ci/buildkitd.toml',
    });
    expect(warnings).toEqual([]);
  });

  test('allow-insecure-downloads: true accepts plain-http mirrors, loopback included', () => {
    const { inputs } = validate({
      'buildx-version': 'v0.19.2',
      'buildx-url': 'http://mirror.local/buildx',
      'registry-url': 'http://127.0.0.1:8080/distribution/',
      'allow-insecure-downloads': 'true',
    });
    expect(inputs).toMatchObject({
      buildxUrl: 'http://mirror.local/buildx',
      registryUrl: 'http://127.0.0.1:8080/distribution',
    });
  });

  test('buildkitd-config with the docker driver is ignored, with a warning that says so', () => {
    const { warnings } = validate({ 'buildkitd-config': 'buildkitd.toml' });
    expect(warnings).toEqual([
      "Input 'buildkitd-config' is ignored with driver 'docker'; it applies to 'docker-container' only.",
    ]);
  });

  test('every problem is reported at once', () => {
    expect(() => validate({ platforms: 'sparc', push: 'maybe', network: 'x' })).toThrow(
      /sparc[\s\S]*maybe[\s\S]*'x'/,
    );
  });

  test('tags: comma or newline, latest implied; build-args keep commas', () => {
    const { inputs } = validate({
      tags: 'ghcr.io/a/b:1, ghcr.io/a/b\nquay.io/c/d:2',
      'build-args': 'LIST=a,b,c\nX=$(rm -rf /)',
    });
    expect(inputs.tags.map((t) => `${t.registry}/${t.repository}:${t.tag}`)).toEqual([
      'ghcr.io/a/b:1',
      'ghcr.io/a/b:latest',
      'quay.io/c/d:2',
    ]);
    expect(inputs.buildArgs).toEqual(['LIST=a,b,c', 'X=$(rm -rf /)']);
  });

  test('duplicate platforms are built once, with a warning that says so', () => {
    const { inputs, warnings } = validate({ platforms: 'linux/arm64,arm64,linux/arm64/v8' });
    expect(inputs.platforms).toHaveLength(1);
    expect(warnings[0]).toMatch(/listed twice.*building it once/);
  });

  test('the password is masked the moment it is read', () => {
    setInputs({ username: 'u', password: 'hunter2' });
    const out: string[] = [];
    const orig = process.stdout.write.bind(process.stdout);
    process.stdout.write = (c: string) => (out.push(String(c)), true);
    let raw: RawInputs;
    try {
      raw = getInputs();
    } finally {
      process.stdout.write = orig;
    }
    expect(raw.password).toBe('hunter2');
    expect(out.join('')).toContain('::add-mask::hunter2');
  });

  test('merge-only inputs: sources keep tag or digest, latest implied; annotations keep = in values', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const { inputs } = validate({
      sources: `ghcr.io/a/b:amd64, ghcr.io/a/b@${digest}\nquay.io/c/d`,
      tags: 'ghcr.io/a/b:1',
      'insecure-registries': 'reg.intranet:5000, 10.0.0.5',
      annotations: 'org.opencontainers.image.description=a=b, c',
    });
    expect(inputs.sources).toEqual([
      { registry: 'ghcr.io', repository: 'a/b', tag: 'amd64' },
      { registry: 'ghcr.io', repository: 'a/b', digest },
      { registry: 'quay.io', repository: 'c/d', tag: 'latest' },
    ]);
    expect(inputs).toMatchObject({
      insecureRegistries: ['reg.intranet:5000', '10.0.0.5'],
      annotations: { 'org.opencontainers.image.description': 'a=b, c' },
      indexFormat: 'auto',
      attestations: 'keep',
      caFile: '',
    });
  });

  test('splitList', () => {
    expect(splitList('a, b\n\n c,', true)).toEqual(['a', 'b', 'c']);
    expect(splitList('a,b\nc', false)).toEqual(['a,b', 'c']);
  });
});
