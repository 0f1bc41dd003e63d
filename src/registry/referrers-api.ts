// The OCI 1.1 referrers API of a registry: GET /v2/<name>/referrers/<digest>
// lists the manifests whose subject is that digest. A registry without the
// API answers 404 (the spec forbids a 404 from one that has it: an unknown
// subject gets an empty list), so 404 means "use the tag schema". Each page is
// read bounded like a manifest; a paginated answer is followed by its Link
// header a few pages at most.
import { MANIFEST_LIMIT, readBounded } from '../bounded-body.js';
import { HttpError } from '../errors.js';
import { header } from '../http.js';
import { checkDigest } from '../oci/digest.js';
import { MAX_REFERRER_PAGES, parseReferrersIndex, type ReferrerDescriptor } from '../oci/referrers.js';
import { withRetry } from '../retry.js';
import type { RegistryClient } from './client.js';
import { drain } from './response.js';
import { scopeFor } from './token.js';

/**
 * Answers that mean the registry has no referrers API: 404 by the spec; other registries and proxies
 * answer an unknown route with 400, 403 or 405, and 501. A source whose images were readable is not
 * failed for its referrers route: the tag schema is asked instead.
 */
const unsupported = (status: number) => (status >= 400 && status < 500) || status === 501;

/** The next page's URL from a Link header (`<url>; rel="next"`), or undefined. */
export function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m && /\brel="?next"?/i.test(m[2] ?? '')) return m[1];
  }
  return undefined;
}

/** One page: its entries and the next page's URL; undefined when the registry has no referrers API. */
async function readPage(
  client: RegistryClient,
  repo: string,
  url: string,
): Promise<{ entries: ReferrerDescriptor[]; next?: string } | undefined> {
  return withRetry(
    `listing referrers on ${client.registry}/${repo}`,
    async () => {
      const res = await client.send(
        { method: 'GET', url, headers: { accept: 'application/vnd.oci.image.index.v1+json' } },
        [scopeFor(repo, 'pull')],
      );
      if (unsupported(res.status)) {
        await drain(res);
        return undefined;
      }
      if (res.status !== 200) return client.fail(res, `list referrers in ${repo}`);
      const full = new URL(url, await client.baseUrl()).toString();
      const what = `referrers list of ${repo} from ${client.registry}`;
      const bytes = await readBounded(res, { limit: MANIFEST_LIMIT, what, url: full });
      try {
        return { entries: parseReferrersIndex(bytes, `The ${what}`), next: nextLink(header(res, 'link')) };
      } catch (err) {
        throw new HttpError(
          `${err instanceof Error ? err.message : String(err)}; the registry answer is malformed.`,
        );
      }
    },
    client.retry,
  );
}

/** Every referrer the API lists for `digest`, or undefined when the registry has no referrers API. */
export async function listReferrers(
  client: RegistryClient,
  repo: string,
  digest: string,
): Promise<ReferrerDescriptor[] | undefined> {
  checkDigest(digest, `A referrer subject in ${repo}`);
  let url: string | undefined = `/v2/${repo}/referrers/${digest}`;
  const all: ReferrerDescriptor[] = [];
  for (let page = 0; url && page < MAX_REFERRER_PAGES; page++) {
    const got = await readPage(client, repo, url);
    if (!got) return page === 0 ? undefined : all;
    all.push(...got.entries);
    url = got.next;
  }
  return all;
}
