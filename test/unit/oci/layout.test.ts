// OCI layout references in 'sources' (skopeo's syntax) and which index.json
// entry they mean.
import { expect, test } from 'vitest';
import {
  blobPath,
  LayoutSyntaxError,
  parseLayoutReference,
  REF_NAME,
  selectLayoutEntry,
  type LayoutReference,
} from '../../../src/oci/layout.js';
import type { Descriptor } from '../../../src/oci/types.js';

const CWD = '/work/space';

test.each([
  [1, 'oci-archive:app.tar', { transport: 'oci-archive', path: '/work/space/app.tar' }],
  [2, 'oci-archive:/abs/app.tar', { transport: 'oci-archive', path: '/abs/app.tar' }],
  [
    3,
    'oci-archive:out/app.tar:1.0',
    { transport: 'oci-archive', path: '/work/space/out/app.tar', refName: '1.0' },
  ],
  [4, 'oci:layout', { transport: 'oci', path: '/work/space/layout' }],
  [5, ' oci:./layout:app/v1 ', { transport: 'oci', path: '/work/space/layout', refName: 'app/v1' }],
  [
    6,
    'oci-archive:a.tar:x:y@z+1',
    { transport: 'oci-archive', path: '/work/space/a.tar', refName: 'x:y@z+1' },
  ],
  [7, 'oci-archive:../up.tar', { transport: 'oci-archive', path: '/work/up.tar' }],
  [8, 'oci:5000/app:1', undefined],
  [9, 'ghcr.io/acme/app:1', undefined],
  [10, 'oci.example/app:1', undefined],
])('%i: %s', (_n, raw, expected) => {
  expect(parseLayoutReference(raw, CWD)).toEqual(expected);
});

test.each([
  [1, 'oci-archive:', /no path after 'oci-archive:'/],
  [2, 'oci::1.0', /no path after 'oci:'/],
  [3, 'oci-archive:a.tar:', /ref name '' must be/],
  [4, 'oci-archive:a.tar:bad name', /ref name 'bad name' must be/],
  [5, 'oci-archive:a.tar:-x', /ref name '-x' must be/],
])('%i: %s is refused', (_n, raw, message) => {
  expect(() => parseLayoutReference(raw, CWD)).toThrow(LayoutSyntaxError);
  expect(() => parseLayoutReference(raw, CWD)).toThrow(message);
});

const d = (n: number, name?: string): Descriptor => ({
  mediaType: 'application/vnd.oci.image.index.v1+json',
  digest: `sha256:${String(n).repeat(64)}`,
  size: 100 + n,
  ...(name !== undefined && { annotations: { [REF_NAME]: name } }),
});
const archive = (refName?: string): LayoutReference => ({
  transport: 'oci-archive',
  path: '/a.tar',
  ...(refName !== undefined && { refName }),
});

test.each([
  [1, 'the only entry, named', archive(), [d(1, 'latest')], d(1, 'latest')],
  [2, 'the only entry, unnamed', archive(), [d(1)], d(1)],
  [3, 'the named one of several', archive('b'), [d(1, 'a'), d(2, 'b')], d(2, 'b')],
  [4, 'the first of two with that name', archive('a'), [d(1, 'a'), d(2, 'a')], d(1, 'a')],
])('%i: selects %s', (_n, _what, ref, manifests, expected) => {
  expect(selectLayoutEntry(ref, manifests)).toEqual(expected);
});

test.each([
  [
    1,
    archive(),
    [d(1, 'a'), d(2, 'b')],
    "Input 'sources' has 'oci-archive:/a.tar', which holds 2 images: 'a', 'b'. Name one after the path, e.g. oci-archive:/a.tar:a.",
  ],
  [
    2,
    archive('c'),
    [d(1, 'a'), d(2)],
    `Input 'sources' has 'oci-archive:/a.tar:c', but oci-archive:/a.tar holds no image named 'c'; it holds 'a', ${d(2).digest} (no ref name). Use one of those names after the path (oci-archive:/a.tar:NAME).`,
  ],
  [
    3,
    archive(),
    [d(1), d(2)],
    `Input 'sources' has 'oci-archive:/a.tar', which holds 2 images: ${d(1).digest} (no ref name), ${d(2).digest} (no ref name). None has a ref name to choose it by: write one image per layout.`,
  ],
  [
    4,
    archive(),
    [],
    "Input 'sources' has 'oci-archive:/a.tar', whose index.json lists no image. Write the layout again (e.g. with 'oci-archive', or skopeo copy --all).",
  ],
])('%i: an ambiguous or missing entry is an error naming what is there', (_n, ref, manifests, message) => {
  expect(() => selectLayoutEntry(ref, manifests)).toThrow(message);
});

test.each([
  [1, `sha256:${'ab'.repeat(32)}`, `blobs/sha256/${'ab'.repeat(32)}`],
  [2, 'sha256:../../etc/passwd', undefined],
  [3, `sha512:${'a'.repeat(128)}`, undefined],
  [4, `sha256:${'AB'.repeat(32)}`, undefined],
])('%i: blob path of %s', (_n, digest, expected) => {
  if (expected) expect(blobPath(digest)).toBe(expected);
  else expect(() => blobPath(digest)).toThrow(/is not sha256:<64 hex digits>/);
});
