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

/**
 * {tags, labels, annotations} as newline-separated inputs of the action. With
 * 'push', at least one tag is needed: from 'tags' or from 'meta-images'.
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
  return {
    tags: allTags.join('\n'),
    labels: [...lines(labels), ...metaLabels].join('\n'),
    annotations: [...lines(annotations), ...metaAnnotations].join('\n'),
  };
}
