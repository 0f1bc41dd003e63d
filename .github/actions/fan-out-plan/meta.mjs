// What the fan-out builds and pushes: the caller's 'tags', 'labels' and
// 'annotations', plus docker/metadata-action's (its `json` output: tags,
// labels, annotations) when the workflow ran it for 'meta-images'; its labels
// and annotations only with 'set-meta-labels' / 'set-meta-annotations', as in
// docker/github-builder. Pure, without dependencies, for the plan action.

export class MetaError extends Error {}

const lines = (text) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/** metadata-action's json output, or an empty one when the step did not run. */
function parseMeta(text) {
  if (text.trim() === '') return { tags: [], labels: {}, annotations: [] };
  let meta;
  try {
    meta = JSON.parse(text);
  } catch {
    throw new MetaError(`docker/metadata-action's json output is not JSON: ${text.slice(0, 200)}`);
  }
  const tags = Array.isArray(meta?.tags) ? meta.tags.filter((t) => typeof t === 'string') : [];
  const labels = meta?.labels && typeof meta.labels === 'object' ? meta.labels : {};
  const annotations = Array.isArray(meta?.annotations)
    ? meta.annotations.filter((a) => typeof a === 'string')
    : [];
  return { tags, labels, annotations };
}

const unique = (list) => [...new Set(list)];

// A level prefix as metadata-action and buildx write it: levels, comma
// separated, optionally narrowed to a platform (manifest[linux/arm64]:k=v).
const PREFIX = /^([a-z-]+(?:,[a-z-]+)*)(\[[^\]]*\])?:(.*)$/s;

/**
 * Annotations split by the job that can set them: 'manifest' entries go to
 * the build jobs (buildx sets them on each image as it builds; a manifest
 * cannot change once pushed by digest), every other level and unprefixed
 * lines (the index) to the merge job. A line naming several levels is split.
 * Unknown levels stay with the merge job, whose action names them in an error.
 */
function splitAnnotations(all) {
  const build = [];
  const merge = [];
  for (const line of all) {
    const eq = line.indexOf('=');
    const m = PREFIX.exec(eq > 0 ? line.slice(0, eq) : line);
    if (!m) {
      merge.push(line);
      continue;
    }
    const rest = `${m[2] ?? ''}:${m[3]}${eq > 0 ? line.slice(eq) : ''}`;
    const levels = m[1].split(',');
    if (levels.includes('manifest')) build.push(`manifest${rest}`);
    const others = levels.filter((l) => l !== 'manifest');
    if (others.length > 0) merge.push(`${others.join(',')}${rest}`);
  }
  return { build, merge };
}

/**
 * {tags, labels, annotations, build-annotations} as newline-separated inputs
 * of the action ('annotations' for the merge job, 'build-annotations' for the
 * build jobs). With 'push', at least one tag is needed: from 'tags' or from
 * 'meta-images'.
 */
export function combine({ tags, labels, annotations, meta, setMetaLabels, setMetaAnnotations, push }) {
  const m = parseMeta(meta);
  const allTags = unique([...lines(tags.replace(/,/g, '\n')), ...m.tags]);
  if (push && allTags.length === 0)
    throw new MetaError(
      "Nothing to push to: 'tags' is empty and 'meta-images' gave no tag. Set 'tags', or 'meta-images' (with 'meta-tags'), or 'push: false'.",
    );
  const metaLabels = setMetaLabels ? Object.entries(m.labels).map(([k, v]) => `${k}=${v}`) : [];
  const metaAnnotations = setMetaAnnotations ? m.annotations : [];
  const split = splitAnnotations([...lines(annotations), ...metaAnnotations]);
  return {
    tags: allTags.join('\n'),
    labels: [...lines(labels), ...metaLabels].join('\n'),
    annotations: split.merge.join('\n'),
    'build-annotations': split.build.join('\n'),
  };
}
