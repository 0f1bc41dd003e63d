// A race between the engine's push and the local registry's storage, recognised so a build can run again.
//
// containerd pushes every manifest of an index to the tag, side by side, and checks the tag with a HEAD
// before each PUT (containerd/containerd#2639); the Docker engine on the containerd image store pushes a
// multi-platform build this way after BuildKit's own push. The distribution registry's filesystem storage
// rewrites a tag's link file in place (truncate, then write), so a HEAD that reads it between the two
// finds an empty digest and answers 500 ("invalid checksum digest format"). Measured here: 1 build in 30
// of three platforms on Docker 26 failed this way. Nothing is wrong with the user's build: a second build
// comes from the cache and pushes again.

/** The registry host and repository path of a reference such as 127.0.0.1:5000/build:shared. */
function hostAndRepository(ref: string): { host: string; repository: string } | undefined {
  const slash = ref.indexOf('/');
  if (slash < 0) return undefined;
  const rest = ref.slice(slash + 1).replace(/@.*$/, '');
  const colon = rest.lastIndexOf(':');
  return { host: ref.slice(0, slash), repository: colon < 0 ? rest : rest.slice(0, colon) };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The line of a failed build's output that shows the race on ref's registry and repository (a 500 to a
 * HEAD or PUT of one of its manifests), or undefined: any other failure is the build's own.
 */
export function tagRaceIn(output: string, ref: string): string | undefined {
  const target = hostAndRepository(ref);
  if (!target) return undefined;
  const re = new RegExp(
    `unexpected status from (?:HEAD|PUT) request to https?://${escape(target.host)}/v2/` +
      `${escape(target.repository)}/manifests/(?:sha256:[0-9a-f]+|[^\\s:]+): 500 Internal Server Error`,
  );
  return re.exec(output)?.[0];
}
