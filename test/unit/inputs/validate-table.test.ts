// The input validation table: every input of action.yml with a malformed
// value gets a specific error naming the input and the value, from the pure
// validation or the path checks that both run before anything slow. A last
// test fails when an input is added without a row here.
import { generateKeyPairSync } from 'node:crypto';
import { expect, test } from 'vitest';
import { checkPaths } from '../../../src/inputs/paths.js';
import { getInputs } from '../../../src/inputs/read.js';
import { validateInputs } from '../../../src/inputs/validate.js';
import { actionDefaults, ROOT } from '../../../support/action-runner.js';

const HELLO = `${ROOT}/examples/hello`;
const ENCRYPTED_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'right' })
  .toString();

// [input, inputs to set, the error]
const ROWS: [string, Record<string, string>, RegExp][] = [
  [
    'platforms',
    { platforms: 'linux/sparc64' },
    /Input 'platforms' has unknown platform 'linux\/sparc64'; valid platforms are/,
  ],
  ['context', { context: '/nonexistent' }, /Input 'context' is '\/nonexistent', which is not a directory/],
  ['file', { file: '/nonexistent/Dockerfile' }, /Dockerfile '\/nonexistent\/Dockerfile' does not exist/],
  ['tags', { tags: 'ghcr.io/Acme/app:1' }, /Input 'tags' has invalid reference 'ghcr.io\/Acme\/app:1'/],
  ['push', { push: 'yes' }, /Input 'push' is 'yes'; valid values are true or false/],
  ['username', { username: 'bot' }, /'username' and 'password' go together; only 'username' is set/],
  ['password', { password: 'x' }, /'username' and 'password' go together; only 'password' is set/],
  ['network', { network: 'bridge0' }, /Input 'network' is 'bridge0'; valid values are default, host, none/],
  ['build-args', { 'build-args': '=x' }, /Input 'build-args' has '=x'; each line must be KEY=VALUE/],
  ['labels', { labels: 'a b=c' }, /Input 'labels' has 'a b=c'/],
  ['qemu', { qemu: 'emulate' }, /Input 'qemu' is 'emulate'; valid values are auto, image, host, false/],
  [
    'qemu-image',
    { 'qemu-image': 'Bad Image!' },
    /Input 'qemu-image' is 'Bad Image!', which is not an image reference/,
  ],
  [
    'qemu-fallback-image',
    { 'qemu-fallback-image': 'a//b' },
    /Input 'qemu-fallback-image' is 'a\/\/b', which is not an image reference/,
  ],
  [
    'oci-archive',
    { 'oci-archive': '/nonexistent/x.tar' },
    /Input 'oci-archive' is '\/nonexistent\/x.tar', whose directory does not exist/,
  ],
  [
    'push-by-digest',
    { 'push-by-digest': 'on' },
    /Input 'push-by-digest' is 'on'; valid values are true or false/,
  ],
  [
    'digest-file',
    { 'digest-file': '/nonexistent/d.json', 'push-by-digest': 'true', tags: 'ghcr.io/a/b' },
    /Input 'digest-file' is '\/nonexistent\/d.json', whose directory does not exist/,
  ],
  [
    'sources',
    { sources: 'ghcr.io/a/B:1', tags: 'ghcr.io/a/b:1' },
    /Input 'sources' has invalid reference 'ghcr.io\/a\/B:1'/,
  ],
  [
    'sources',
    { sources: 'oci-archive:missing.oci.tar', tags: 'ghcr.io/a/b:1' },
    /Input 'sources' has 'oci-archive:\/.*\/missing\.oci\.tar', which does not exist\. Give an OCI image layout/,
  ],
  [
    'sources',
    { sources: 'oci-archive:app.tar:bad name', tags: 'ghcr.io/a/b:1' },
    /Input 'sources' has invalid OCI layout 'oci-archive:app.tar:bad name': ref name 'bad name' must be/,
  ],
  [
    'sources-from',
    { 'sources-from': '/nonexistent', tags: 'ghcr.io/a/b:1' },
    /Input 'sources-from' is '\/nonexistent', which is not a directory/,
  ],
  [
    'insecure-registries',
    { 'insecure-registries': 'http://reg:5000' },
    /Input 'insecure-registries' has 'http:\/\/reg:5000'; each entry is a registry host\[:port\]/,
  ],
  [
    'ca-file',
    { 'ca-file': '/nonexistent.pem' },
    /Input 'ca-file' is '\/nonexistent.pem', which is not a file/,
  ],
  [
    'index-format',
    { 'index-format': 'v2' },
    /Input 'index-format' is 'v2'; valid values are auto, oci, docker/,
  ],
  ['attestations', { attestations: 'drop' }, /Input 'attestations' is 'drop'; valid values are keep, strip/],
  ['referrers', { referrers: 'no' }, /Input 'referrers' is 'no'; valid values are true or false/],
  ['annotations', { annotations: 'no-equals' }, /Input 'annotations' has 'no-equals'/],
  ['target', { target: '-bad stage' }, /Input 'target' is '-bad stage', which is not a stage name/],
  ['secrets', { secrets: 'TOKEN=' }, /Input 'secrets' has 'TOKEN=\*\*\*'/],
  [
    'secret-files',
    { 'secret-files': 'K=/nonexistent' },
    /Input 'secret-files' gives '\/nonexistent' for secret 'K', which is not a readable file/,
  ],
  ['no-cache', { 'no-cache': 'yes' }, /Input 'no-cache' is 'yes'; valid values are true or false/],
  ['pull', { pull: '1' }, /Input 'pull' is '1'; valid values are true or false/],
  ['build-contexts', { 'build-contexts': '=./x' }, /Input 'build-contexts' has '=.\/x'/],
  ['provenance', { provenance: 'sometimes' }, /Input 'provenance' is 'sometimes'/],
  ['sbom', { sbom: 'maybe' }, /Input 'sbom' is 'maybe'/],
  [
    'platform-files',
    { 'platform-files': 'linux/s390x=Dockerfile' },
    /Input 'platform-files' names 'linux\/s390x', which is not in 'platforms'/,
  ],
  [
    'max-parallel',
    { 'max-parallel': '0' },
    /Input 'max-parallel' is '0'; valid values are auto or a whole number/,
  ],
  ['hooks', { hooks: 'on' }, /Input 'hooks' is 'on'; valid values are auto, false or check/],
  ['buildx-version', { 'buildx-version': '0.13' }, /Input 'buildx-version' is '0\.13'/],
  [
    'buildx-url',
    { 'buildx-url': 'ftp://mirror/buildx' },
    /Input 'buildx-url' is 'ftp:\/\/mirror\/buildx'; give an http\(s\) URL/,
  ],
  [
    'driver',
    { driver: 'kubernetes' },
    /Input 'driver' is 'kubernetes'; valid values are docker, docker-container/,
  ],
  [
    'buildkit-image',
    { 'buildkit-image': 'Bad Image!' },
    /Input 'buildkit-image' is 'Bad Image!', which is not an image reference/,
  ],
  [
    'buildkitd-config',
    { 'buildkitd-config': '/nonexistent.toml', driver: 'docker-container' },
    /Input 'buildkitd-config' is '\/nonexistent.toml', which is not a file/,
  ],
  [
    'local-registry',
    { 'local-registry': 'podman' },
    /Input 'local-registry' is 'podman'; valid values are auto, binary, container/,
  ],
  [
    'registry-url',
    { 'registry-url': 'mirror.local' },
    /Input 'registry-url' is 'mirror\.local'; give an http\(s\) URL/,
  ],
  [
    'allow-insecure-downloads',
    { 'allow-insecure-downloads': 'yes' },
    /Input 'allow-insecure-downloads' is 'yes'; valid values are true or false/,
  ],
  [
    'registry-image',
    { 'registry-image': 'Bad Image!' },
    /Input 'registry-image' is 'Bad Image!', which is not an image reference/,
  ],
  [
    'add-hosts',
    { 'add-hosts': 'docker' },
    /Input 'add-hosts' has 'docker'; each entry is HOST:IP or HOST=IP/,
  ],
  ['shm-size', { 'shm-size': 'big' }, /Input 'shm-size' is 'big'; valid values are a size in bytes/],
  ['ulimit', { ulimit: 'nofile:1024' }, /Input 'ulimit' has 'nofile:1024'; each line is NAME=SOFT\[:HARD\]/],
  [
    'cgroup-parent',
    { 'cgroup-parent': 'a b' },
    /Input 'cgroup-parent' is 'a b'; a cgroup path has no spaces/,
  ],
  ['allow', { allow: 'root' }, /Input 'allow' has 'root'; valid entitlements are/],
  ['ssh', { ssh: 'a b' }, /Input 'ssh' has 'a b'; each entry is default, ID or ID=PATH/],
  [
    'no-cache-filters',
    { 'no-cache-filters': '-x' },
    /Input 'no-cache-filters' has '-x', which is not a stage name/,
  ],
  ['secret-envs', { 'secret-envs': 'TOKEN' }, /Input 'secret-envs' has 'TOKEN'; each entry is ID=ENVVAR/],
  ['sign', { sign: 'cosign' }, /Input 'sign' is 'cosign'; valid values are false, key, keyless/],
  ['sign-key', { sign: 'key', 'sign-key': 'hunter2' }, /Input 'sign-key' is not a PEM block/],
  [
    'sign-key-password',
    { sign: 'key', 'sign-key': ENCRYPTED_KEY, 'sign-key-password': 'wrong' },
    /Input 'sign-key' could not be decrypted with 'sign-key-password' \(ERR_OSSL_BAD_DECRYPT\); check the password/,
  ],
  ['builder', { builder: 'my builder' }, /Input 'builder' is 'my builder'; give a buildx builder's name/],
  [
    'builder',
    { builder: 'ci', driver: 'docker-container' },
    /Inputs 'builder' \('ci'\) and 'driver: docker-container' both choose the builder/,
  ],
  [
    'context',
    { context: 'https://example.test/app.tar.gz' },
    /Input 'context' is 'https:\/\/example.test\/app.tar.gz', a URL that is not a Git repository/,
  ],
  [
    'platform-files',
    { context: 'https://github.com/acme/app.git#main', 'platform-files': 'linux/arm64=Dockerfile.arm64' },
    /Input 'platform-files' cannot be used with a Git 'context'/,
  ],
  [
    'attests',
    { attests: 'type=vex' },
    /Input 'attests' has 'type=vex'; each entry is type=provenance or type=sbom/,
  ],
  ['call', { call: 'lint' }, /Input 'call' is 'lint'; valid values are build, check, outline/],
  ['load', { load: 'yes' }, /Input 'load' is 'yes'; valid values are true or false/],
  [
    'outputs',
    { outputs: 'type=oci,dest=app.tar' },
    /Input 'outputs' has 'type=oci,dest=app.tar', which this action cannot take .* 'oci-archive: app.tar'/,
  ],
];

/** Inputs where any value is valid, and why. */
const FREE_FORM: Record<string, string> = {
  'cache-from':
    'buildx cache syntax, passed through verbatim (scoped per platform); buildx reports its own errors',
  'cache-to':
    'buildx cache syntax, passed through verbatim; what the docker driver cannot export fails before any build',
  'github-token':
    "any token: given to BuildKit only as GIT_AUTH_TOKEN.<host> for a Git 'context' on the workflow's own server (test/unit/inputs/git-context.test.ts)",
  'test-command':
    "any shell command, run as /bin/sh -c in the image (the user's own command, not built from other input)",
};

function validate(values: Record<string, string>): void {
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
  for (const [k, v] of Object.entries({ ...actionDefaults(), context: HELLO, ...values })) {
    process.env[`INPUT_${k.toUpperCase()}`] = v;
  }
  const { inputs } = validateInputs(getInputs(), ROOT, 2);
  checkPaths(inputs);
}

test.each(ROWS.map((r, i) => [i + 1, ...r] as const))(
  '%i: %s with a malformed value is refused',
  (_n, _name, values, message) => {
    expect(() => validate(values)).toThrow(message);
  },
);

test('the defaults of action.yml validate', () => {
  expect(() => validate({})).not.toThrow();
});

test('every input of action.yml has a row, or is free-form for a stated reason', () => {
  const covered = new Set([...ROWS.map((r) => r[0]), ...Object.keys(FREE_FORM)]);
  expect(Object.keys(actionDefaults()).filter((name) => !covered.has(name))).toEqual([]);
});
