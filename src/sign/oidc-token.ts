// The job's OIDC token for Sigstore: asked of the runner's token service
// (ACTIONS_ID_TOKEN_REQUEST_URL, with ACTIONS_ID_TOKEN_REQUEST_TOKEN as the
// bearer, audience "sigstore"), or SIGSTORE_ID_TOKEN outside Actions, as
// cosign reads it. Masked the moment it arrives. Our own provider rather than
// @sigstore/sign's CIContextProvider: that one takes a 401 answer's empty JSON
// as a token, and its parse error quotes the token it could not read.
import * as core from '@actions/core';
import { TOKEN_LIMIT, readBounded, safeUrl } from '../bounded-body.js';
import { ActionError } from '../errors.js';
import { Http } from '../http.js';

const TOKEN_DEADLINE_MS = 30_000;
const JWT = /^[\w-]+\.[\w-]+\.[\w-]*$/;

async function fromRunner(url: URL, bearer: string): Promise<string> {
  const http = new Http();
  try {
    const res = await http.request({
      method: 'GET',
      url: url.toString(),
      headers: { accept: 'application/json', authorization: `Bearer ${bearer}` },
      deadlineMs: TOKEN_DEADLINE_MS,
    });
    const body = await readBounded(res, { limit: TOKEN_LIMIT, what: 'OIDC token', url: url.toString() });
    if (res.status !== 200)
      throw new ActionError(
        `The runner's OIDC token service at ${safeUrl(url.toString())} answered ${res.status}; check that the job has \`permissions: id-token: write\`.`,
      );
    let value: unknown;
    try {
      value = (JSON.parse(body.toString('utf8')) as { value?: unknown }).value;
    } catch {
      value = undefined;
    }
    if (typeof value !== 'string' || !JWT.test(value))
      throw new ActionError(
        `The runner's OIDC token service at ${safeUrl(url.toString())} answered without a token ("value" is not a JWT).`,
      );
    return value;
  } finally {
    await http.close();
  }
}

/** The token, masked; `audience` is Sigstore's ("sigstore"). */
export async function requestOidcToken(env: NodeJS.ProcessEnv, audience: string): Promise<string> {
  const { ACTIONS_ID_TOKEN_REQUEST_URL: requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: bearer } = env;
  let token: string;
  if (requestUrl && bearer) {
    const url = new URL(requestUrl);
    url.searchParams.append('audience', audience);
    core.setSecret(bearer);
    token = await fromRunner(url, bearer);
  } else if (env.SIGSTORE_ID_TOKEN) token = env.SIGSTORE_ID_TOKEN;
  else
    throw new ActionError(
      'No OIDC token: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set.',
    );
  core.setSecret(token);
  return token;
}
