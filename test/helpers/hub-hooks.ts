// Docker Hub hook scripts as repositories wrote them, shared by the tests of
// the hooks' recogniser, the build-loop follower and the hooks run through
// dist/: one spelling each, so they all read the same script.

/** A bash hook file of these lines. */
export const sh = (...lines: string[]): string => `#!/bin/bash\n${lines.join('\n')}\n`;

/** hooks/build of the Dockerfile.<arch> pattern: each file built with its arch as tag, then pushed. */
export const PER_ARCH_BUILD_HOOK = sh(
  'for FILE in Dockerfile.*; do',
  '  ARCH=${FILE#Dockerfile.}',
  '  docker build -f $FILE -t $DOCKER_REPO:$ARCH .',
  '  docker push $DOCKER_REPO:$ARCH',
  'done',
);
