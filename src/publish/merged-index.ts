// The index both modes publish: the entries merged in the format the inputs
// ask for, with their annotations; a format that cannot hold them is an input error.
import { ActionError } from '../errors.js';
import { formatProblem, mergeIndex, type MergedIndex } from '../oci/index-merge.js';
import type { Descriptor } from '../oci/types.js';
import type { PublishOptions } from './options.js';

export function buildIndex(
  entries: readonly Descriptor[],
  options: Pick<PublishOptions, 'indexFormat' | 'annotations'>,
): MergedIndex {
  const problem = formatProblem(entries, options.indexFormat);
  if (problem) throw new ActionError(problem);
  return mergeIndex(entries, { format: options.indexFormat, annotations: options.annotations });
}
