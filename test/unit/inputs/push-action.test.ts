// build-push-action's outputs, attests, call and load: what is taken, and the
// equivalent each refused 'outputs' entry names.
import { expect, test } from 'vitest';
import { parsePushActionInputs } from '../../../src/inputs/push-action.js';

const parse = (raw: Partial<Record<'outputs' | 'attests' | 'call' | 'load', string>>) => {
  const problems: string[] = [];
  const out = parsePushActionInputs({ outputs: '', attests: '', call: '', load: 'false', ...raw }, problems);
  return { out, problems };
};

test('defaults: build, no load, no attestations', () => {
  expect(parse({})).toEqual({ out: { attests: {}, call: 'build', load: false }, problems: [] });
});

test.each([
  [1, 'type=registry', /'push: true'/],
  [2, 'type=image,name=ghcr.io/a/b,push=true', /'push: true'/],
  [3, 'type=image,push-by-digest=true,name-canonical=true,push=true', /'push-by-digest: true'/],
  [4, 'type=oci,dest=/tmp/app.tar', /'oci-archive: \/tmp\/app.tar'/],
  [5, 'type=docker', /'load: true'/],
  [
    6,
    'type=docker,dest=img.tar',
    /'load: true'; for a file, write an OCI archive with 'oci-archive: img.tar'/,
  ],
  [7, 'type=local,dest=out', /no equivalent for a local file-system export/],
  [8, 'type=tar,dest=out.tar', /no equivalent for a tar file-system export/],
  [9, 'type=cacheonly', /set 'push: false'/],
  [10, 'type=image', /always goes to the local registry/],
  [11, 'type=nope', /valid types are registry, image, docker, oci, tar, local and cacheonly/],
])('%i: outputs %s is refused, naming the equivalent', (_n, entry, equivalent) => {
  const { problems } = parse({ outputs: entry });
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatch(
    new RegExp(`^Input 'outputs' has '${entry.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}'`),
  );
  expect(problems[0]).toMatch(equivalent);
});

test.each([
  [1, 'type=provenance,mode=max', { provenance: 'mode=max' }],
  [2, 'type=sbom', { sbom: 'true' }],
  [
    3,
    'type=sbom,generator=image\ntype=provenance,mode=min',
    { sbom: 'generator=image', provenance: 'mode=min' },
  ],
  [4, 'type=provenance,disabled=true', { provenance: 'false' }],
])('%i: attests %j', (_n, attests, expected) => {
  expect(parse({ attests })).toEqual({
    out: { attests: expected, call: 'build', load: false },
    problems: [],
  });
});

test.each([
  [1, { attests: 'type=vex' }, /'attests' has 'type=vex'; each entry is type=provenance or type=sbom/],
  [2, { attests: 'type=sbom\ntype=sbom' }, /'attests' has type=sbom twice/],
  [3, { call: 'lint' }, /'call' is 'lint'; valid values are build, check, outline, targets/],
  [4, { load: 'yes' }, /'load' is 'yes'; valid values are true or false/],
])('%i: refuses %j', (_n, raw, message) => {
  expect(parse(raw).problems.join('\n')).toMatch(message);
});

test.each([['check'], ['outline'], ['targets'], ['subrequests.describe'], ['build']])(
  'call %s is taken',
  (call) => {
    expect(parse({ call }).out.call).toBe(call);
  },
);
