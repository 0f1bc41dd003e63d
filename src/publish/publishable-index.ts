// The index both modes publish: the entries merged in the format the inputs
// ask for, with their annotations (the index's, and its entries'); a format that cannot hold them is an input error.
import { ActionError } from '../errors.js';
import { annotateEntries } from '../oci/annotation-levels.js';
import { formatProblem, serializeIndex, type SerializedIndex } from '../oci/index.js';
import type { Descriptor } from '../oci/types.js';
import type { PublishOptions } from './options.js';

export function publishableIndex(
  entries: readonly Descriptor[],
  options: Pick<PublishOptions, 'indexFormat' | 'annotations'> &
    Partial<Pick<PublishOptions, 'leveledAnnotations'>>,
): SerializedIndex {
  const problem = formatProblem(entries, options.indexFormat);
  if (problem) throw new ActionError(problem);
  const annotated = annotateEntries(entries, options.leveledAnnotations ?? []);
  return serializeIndex(annotated, { format: options.indexFormat, annotations: options.annotations });
}
