// Hooks that only redo what the action already does, recognised from their
// commands (pure): each is skipped with a notice naming what replaces it.
import type { HookName } from './find.js';

/** The script's commands: comments, blank lines, `set -e`, echo and `:` left out, continuations joined, `;` and `&&` split. */
export function commandsOf(script: string): string[] {
  return script
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*$/, ''))
    .flatMap((l) => l.split(/;|&&/))
    .map((c) => c.trim().replace(/^(do|then|else)\s+/, ''))
    .filter((c) => c !== '' && !/^(set\s+-|echo\b|printf\b|:$|true$)/.test(c));
}

/** Loop and assignment lines, allowed around the commands that matter. */
const GLUE =
  /^(for\s+\w+\s+in\b.*|do|done|fi|else|then|(export\s+)?[A-Za-z_]\w*=("[^"]*"|'[^']*'|\$\(.*\)|`[^`]*`|\S*)|cd\s+\S+)$/;

const QEMU_REGISTER =
  /^(sudo\s+)?docker\s+run\b.*--privileged\b.*\bmultiarch\/qemu-user-static(:register)?(\s|$)/;
const MANIFEST = /^(docker\s+manifest\s+(create|annotate|push|inspect|rm)\b|(\S*\/)?manifest-tool\b)/;
const MANIFEST_TOOL_FETCH = /^((curl|wget)\b.*manifest-tool|chmod\b.*manifest-tool|rm\b.*manifest-tool)/;
const PUSH_IMAGE = /^docker\s+push\s+("?)\$(IMAGE_NAME|\{IMAGE_NAME\})\1$/;
const QEMU_FETCH =
  /^((curl|wget)\b.*qemu-user-static|tar\b.*qemu|chmod\b.*qemu|(cp|mv|rm)\b.*qemu-\S*-static|(sudo\s+)?docker\s+run\b.*multiarch\/qemu-user-static)/;
const PUSH_ANY = /^docker\s+(push|tag)\b/;
const BUILD_LOOP = /^(docker\s+(build|tag|push)\b|(sudo\s+)?docker\s+run\b.*multiarch\/qemu-user-static)/;

function only(script: string, wanted: RegExp, required: RegExp, glue = false): boolean {
  const commands = commandsOf(script);
  return (
    commands.some((c) => required.test(c)) && commands.every((c) => wanted.test(c) || (glue && GLUE.test(c)))
  );
}

/** A pre_build whose only job is registering QEMU, which the action has already done. */
export function isQemuRegisterOnly(script: string): boolean {
  return only(script, QEMU_REGISTER, QEMU_REGISTER);
}

/** A post_push that only assembles a manifest list (docker manifest, manifest-tool). */
export function isManifestOnly(script: string): boolean {
  const either = new RegExp(`${MANIFEST.source}|${MANIFEST_TOOL_FETCH.source}`);
  return only(script, either, MANIFEST, true);
}

/** A push hook that only runs `docker push "$IMAGE_NAME"`. */
export function isPushOnly(script: string): boolean {
  return only(script, PUSH_IMAGE, PUSH_IMAGE);
}

/** A post_checkout that only downloads (or registers) qemu-user-static. */
export function isQemuDownloadOnly(script: string): boolean {
  return only(script, QEMU_FETCH, QEMU_FETCH, true);
}

/** A build hook that loops over Dockerfile.<arch>, building (and pushing) each itself. */
export function isDockerfileLoop(script: string): boolean {
  return (
    /(Dockerfile|DOCKERFILE_PATH\}?"?)\.(\*|\$)/.test(script) &&
    only(script, BUILD_LOOP, /^docker\s+build\b/, true)
  );
}

/** A push hook of the multi-arch template: it only pushes (and tags) each architecture's image. */
export function isPushLoop(script: string): boolean {
  return only(script, PUSH_ANY, /^docker\s+push\b/, true);
}

/** A for loop over the Dockerfile.<arch> files themselves (`Dockerfile.*`, `${DOCKERFILE_PATH}.*`). */
export function loopsOverDockerfiles(script: string): boolean {
  return /^\s*for\s+\w+\s+in\s+.*(Dockerfile|DOCKERFILE_PATH\}?"?)\.\*/m.test(script);
}

/** The multi-arch template's hooks/build: a recognised Dockerfile.<arch> loop, or any loop over those files (template.ts follows it or names the line it cannot). */
export function isTemplateBuildLoop(script: string): boolean {
  return isDockerfileLoop(script) || loopsOverDockerfiles(script);
}

const WHY: Partial<Record<HookName, [(script: string) => boolean, string]>> = {
  post_checkout: [
    isQemuDownloadOnly,
    "it only fetches qemu-user-static, and this action registers QEMU itself ('qemu'); with the F flag no interpreter needs copying into the image.",
  ],
  pre_build: [isQemuRegisterOnly, 'it only registers QEMU, which this action has already done.'],
  build: [
    isTemplateBuildLoop,
    "it builds every Dockerfile.<arch> itself; 'platform-files' (auto) builds each for its platform, with the build args the hook passes it, and 'tags' names the one index.",
  ],
  push: [
    isPushOnly,
    "it only runs docker push \"$IMAGE_NAME\"; this action pushes the index to 'tags' ('push').",
  ],
  post_push: [
    isManifestOnly,
    "it only assembles a manifest list, which this action pushes already: one index at 'tags'.",
  ],
};

const TEMPLATE_PUSH =
  "it pushes each architecture's image that hooks/build tagged; this action pushes one index to 'tags' ('push').";

/**
 * Why this hook is skipped, or undefined when it must run. `buildHook` is the
 * text of hooks/build beside it: when that loops over Dockerfile.<arch>, a push
 * hook that only pushes each architecture's tag belongs to it.
 */
export function recognise(name: HookName, script: string, buildHook?: string): string | undefined {
  if (name === 'push' && buildHook && isTemplateBuildLoop(buildHook) && isPushLoop(script))
    return TEMPLATE_PUSH;
  const entry = WHY[name];
  return entry && entry[0](script) ? entry[1] : undefined;
}
