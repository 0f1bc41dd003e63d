// Where a platform's hooks run and what Hub's path variables say, as Docker
// Hub's builder had them: from the build context, with DOCKERFILE_PATH
// relative to it, so Hub's default command `docker build -f
// "$DOCKERFILE_PATH" -t "$IMAGE_NAME" .` in a hook builds exactly what the
// action builds without it, whatever the layout.
import * as path from 'node:path';

export interface HubLayoutFacts {
  /** The repository's root (the workspace the action runs in). */
  root: string;
  /** The Dockerfile the user gave (absolute). */
  file: string;
  /** The build context (absolute). */
  context: string;
}

export interface HubLayout {
  /** The hooks' working directory: the build context, as `.` in Hub's default command. */
  cwd: string;
  /** The Dockerfile relative to the context, as `-f` in Hub's default command. */
  DOCKERFILE_PATH: string;
  /** Hub's "Build Context" field: the context from the repository's root, `/` for the root itself. */
  BUILD_PATH: string;
}

/** The invariant between the hooks' working directory, Hub's path variables and the context (pure). */
export function hubLayout({ root, file, context }: HubLayoutFacts): HubLayout {
  const fromRoot = path.relative(root, context);
  const inside = !fromRoot.startsWith('..') && !path.isAbsolute(fromRoot);
  return {
    cwd: context,
    DOCKERFILE_PATH: path.relative(context, file) || path.basename(file),
    BUILD_PATH: inside ? `/${fromRoot.split(path.sep).join('/')}` : context,
  };
}
