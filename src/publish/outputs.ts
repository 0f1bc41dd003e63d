// The action's outputs and job summary, from what a run produced.
import * as core from '@actions/core';
import type { Inputs } from '../inputs/validate.js';
import type { MergedIndex } from '../oci/index-merge.js';
import { formatReference } from '../registry/reference.js';
import { writeSummary, type PlatformRow } from '../summary.js';

export interface Outcome {
  index: MergedIndex;
  rows: PlatformRow[];
}

export async function writeOutputs(inputs: Inputs, { index, rows }: Outcome): Promise<void> {
  const tags = inputs.tags.map(formatReference);
  const first = inputs.tags[0];
  const image = first ? `${first.registry}/${first.repository}@${index.digest}` : '';
  const pushed = inputs.push || inputs.pushByDigest;
  core.setOutput('digest', index.digest);
  core.setOutput(
    'platform-digests',
    JSON.stringify(Object.fromEntries(rows.map((r) => [r.platform, r.digest]))),
  );
  core.setOutput('image', image);
  core.setOutput(
    'metadata',
    JSON.stringify({
      digest: index.digest,
      mediaType: index.mediaType,
      image,
      tags,
      pushed,
      platforms: rows,
    }),
  );
  await writeSummary(rows, { digest: index.digest, mediaType: index.mediaType, tags, pushed });
}
