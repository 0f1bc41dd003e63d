// The digest file push-by-digest writes and a merge job reads ('digest-file',
// 'sources-from'): one type, written and read here.
import * as core from '@actions/core';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ActionError, errorMessage } from '../errors.js';
import type { SerializedIndex } from '../oci/index.js';
import { parseReference, type Reference } from '../registry/reference.js';
import type { Target } from './all-or-nothing.js';

export interface DigestFile {
  /** registry/repository the manifests were pushed to. */
  repository: string;
  /** platform -> image manifest digest. */
  platforms: Record<string, string>;
  /** This job's own index (untagged), for a merge job that takes indexes. */
  index: string;
}

/** The digest file's content (pure). */
export function digestFileContent(
  target: Target,
  platforms: Record<string, string>,
  index: SerializedIndex,
): DigestFile {
  return { repository: `${target.client.registry}/${target.repository}`, platforms, index: index.digest };
}

export function writeDigestFile(file: string, content: DigestFile): void {
  writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`);
  core.info(`Wrote ${file}`);
}

/** Every platform digest in the digest files of a directory, as repository@digest references. */
export function readDigestFiles(dir: string): Reference[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  if (files.length === 0) {
    throw new ActionError(
      `Input 'sources-from' is '${dir}', which holds no .json digest files. Upload them from the build jobs ('digest-file') and download them here first.`,
    );
  }
  return files.flatMap((f) => {
    try {
      const parsed = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as DigestFile;
      return Object.values(parsed.platforms).map((digest) =>
        parseReference(`${parsed.repository}@${digest}`),
      );
    } catch (err) {
      throw new ActionError(
        `Digest file '${path.join(dir, f)}' is not one push-by-digest wrote: ${errorMessage(err)}.`,
      );
    }
  });
}
