import { expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { recognise } from '../../../../src/build-mode/hub/recognise.js';
import type { HookName } from '../../../../src/build-mode/hub/find.js';
import { PER_ARCH_BUILD_HOOK, sh } from '../../../helpers/hub-hooks.js';

test.each<[number, HookName, string, boolean]>([
  [
    1,
    'pre_build',
    sh(
      '# Register qemu-*-static',
      'docker run --rm --privileged multiarch/qemu-user-static:register --reset',
    ),
    true,
  ],
  [
    2,
    'pre_build',
    sh('set -e', 'docker run --rm --privileged multiarch/qemu-user-static --reset -p yes'),
    true,
  ],
  [
    3,
    'pre_build',
    sh('docker run --rm --privileged multiarch/qemu-user-static:register --reset', 'touch x'),
    false,
  ],
  [4, 'pre_build', sh('wget https://example.com/x'), false],
  [5, 'pre_build', '# only comments\n', false],
  [6, 'pre_build', 'sudo docker run --privileged --rm multiarch/qemu-user-static:register\n', true],
  [
    7,
    'post_push',
    sh(
      'docker manifest create $DOCKER_REPO:$DOCKER_TAG $DOCKER_REPO:amd64 $DOCKER_REPO:arm64',
      'docker manifest push $DOCKER_REPO:$DOCKER_TAG',
    ),
    true,
  ],
  [
    8,
    'post_push',
    sh(
      'curl -Lo manifest-tool https://github.com/estesp/manifest-tool/releases/download/v0.9.0/manifest-tool-linux-amd64',
      'chmod +x manifest-tool',
      './manifest-tool push from-spec multi-arch-manifest.yaml',
    ),
    true,
  ],
  [
    9,
    'post_push',
    sh(
      'for a in amd64 arm64; do',
      '  docker manifest annotate $IMAGE_NAME $DOCKER_REPO:$a --arch $a',
      'done',
      'docker manifest push $IMAGE_NAME',
    ),
    true,
  ],
  [10, 'post_push', sh('curl -X POST https://hooks.example.com/deployed'), false],
  [
    11,
    'post_push',
    sh('docker manifest push $IMAGE_NAME', 'curl -X POST https://hooks.example.com/deployed'),
    false,
  ],
  [12, 'push', sh('docker push "$IMAGE_NAME"'), true],
  [13, 'push', sh('docker push ${IMAGE_NAME}'), true],
  [14, 'push', sh('docker push $DOCKER_REPO:arm64'), false],
  [
    15,
    'post_checkout',
    sh(
      'curl -L https://github.com/multiarch/qemu-user-static/releases/download/v7.2.0-1/x86_64_qemu-aarch64-static.tar.gz | tar zxvf - -C .',
      'chmod +x qemu-aarch64-static',
    ),
    true,
  ],
  [16, 'post_checkout', sh('git submodule update --init'), false],
  [17, 'build', PER_ARCH_BUILD_HOOK, true],
  [18, 'build', sh('docker build --build-arg V=$SOURCE_COMMIT -f $DOCKERFILE_PATH -t $IMAGE_NAME .'), false],
  [20, 'build', sh('for FILE in Dockerfile.*; do docker build -f $FILE .; done'), true],
  [21, 'push', sh('docker push "$IMAGE_NAME" && curl -X POST https://hooks.example.com/x'), false],
  [19, 'test', sh('docker run --rm $IMAGE_NAME true'), false],
])('%i: %s recognised? %s', (_n, name, script, expected) => {
  expect(recognise(name, script) !== undefined).toBe(expected);
});

const example = (hook: string) =>
  readFileSync(new URL(`../../../../examples/hub-template/hooks/${hook}`, import.meta.url), 'utf8');

test.each<[number, HookName, string, string | undefined, RegExp | undefined]>([
  [1, 'post_checkout', example('post_checkout'), undefined, /only fetches qemu-user-static/],
  [2, 'pre_build', example('pre_build'), undefined, /only registers QEMU/],
  [3, 'build', example('build'), undefined, /builds every Dockerfile.<arch> itself/],
  // The template's push loop is its build loop's: recognised beside it only.
  [4, 'push', example('push'), example('build'), /pushes each architecture's image that hooks\/build tagged/],
  [5, 'push', example('push'), undefined, undefined],
  [6, 'push', example('push'), sh('docker build -f "$DOCKERFILE_PATH" -t "$IMAGE_NAME" .'), undefined],
  [7, 'post_push', example('post_push'), undefined, /only assembles a manifest list/],
  // A loop over the Dockerfiles with a command the recogniser does not know: still the template (followed, or the line named).
  [
    8,
    'build',
    sh('for f in ${DOCKERFILE_PATH}.*; do', '  if true; then docker build -f $f .; fi', 'done'),
    undefined,
    /itself/,
  ],
  [
    9,
    'push',
    sh('for a in amd64 s390x; do docker push "$IMAGE_NAME-$a"; curl -X POST x; done'),
    example('build'),
    undefined,
  ],
])('examples/hub-template %i: %s', (_n, name, script, build, why) => {
  const got = recognise(name, script, build);
  if (why) expect(got).toMatch(why);
  else expect(got).toBeUndefined();
});
