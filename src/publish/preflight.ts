// Pre-flight: before anything slow (emulation, buildx, builds), every target
// repository is reached, its challenge answered and push permission proved by
// starting an upload session and cancelling it: no tag, no blob is written.
// A typo in a password then costs seconds, not the builds.
import * as core from '@actions/core';
import { HttpError, errorMessage, errorCode } from '../errors.js';
import { header } from '../http.js';
import { withRetry, type RetryPolicy } from '../retry.js';
import { withRequestLimit } from '../request-limit.js';
import type { RegistryClient } from '../registry/client.js';
import { drain } from '../registry/response.js';
import type { RegistryClients, Target } from '../registry/clients.js';
import type { Reference } from '../registry/reference.js';
import { scopeFor } from '../registry/token.js';

/** A dead host fails in about 10 s: a few quick attempts, no retry storm. */
const PREFLIGHT_RETRY: RetryPolicy = { attempts: 3, baseMs: 500, capMs: 2_000, budgetMs: 10_000 };
/** A host that takes the connection and never answers (a TLS handshake that hangs) fails as fast. */
const PREFLIGHT_REQUEST_MS = 10_000;

const NETWORK_HINTS: Record<string, string> = {
  ENOTFOUND: 'the host name does not resolve: check the registry part of the tag',
  EAI_AGAIN: 'DNS did not answer: check the runner network',
  ECONNREFUSED: 'nothing listens there: check the host and port, and that the registry is up',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out: check the host, the port and any firewall or proxy',
  ETIMEDOUT: 'the connection timed out: check the host, the port and any firewall or proxy',
  ECONNRESET: 'the connection was reset: check that the port speaks HTTP(S) and any proxy in between',
};

function codeOf(err: unknown): string | undefined {
  return errorCode(err) ?? errorCode((err as { cause?: unknown }).cause);
}

/** What went wrong before any registry answer, said with the host and what to check. */
function unreachable(target: Target, err: unknown): HttpError {
  const code = codeOf(err) ?? 'network error';
  const hint = NETWORK_HINTS[code] ?? 'check the host, the network and any proxy (HTTPS_PROXY, NO_PROXY)';
  return new HttpError(
    `Cannot reach ${target.client.registry} to push ${target.repository}: ${code} (${errorMessage(err)}); ${hint}. Nothing was built yet.`,
    undefined,
    code,
  );
}

/** An upload session started and cancelled: the one proof of push access every registry gives. */
async function provePush(client: RegistryClient, repository: string): Promise<void> {
  const res = await client.send({ method: 'POST', url: `/v2/${repository}/blobs/uploads/` }, [
    scopeFor(repository, 'push'),
  ]);
  if (res.status !== 202) {
    const body = await drain(res);
    return client.fail(res, `push to ${repository} (pre-flight: starting an upload session)`, body);
  }
  await drain(res);
  const location = header(res, 'location');
  if (!location) return;
  // Not awaited: nothing waits for the cancel (a round trip), and it cannot fail the run.
  void cancelSession(client, repository, new URL(location, await client.baseUrl()).toString());
}

/**
 * Best effort: distribution asks for the 'delete' action to cancel an upload
 * (a token with pull,push is refused), and a registry that cannot cancel lets
 * the empty session expire. Either way nothing was written: not a failure.
 */
async function cancelSession(client: RegistryClient, repository: string, url: string): Promise<void> {
  try {
    await drain(await client.send({ method: 'DELETE', url }, [scopeFor(repository, 'push')]));
  } catch (err) {
    core.debug(`Could not cancel the pre-flight upload session on ${client.registry}: ${errorMessage(err)}`);
  }
}

/** Proves push to one target; answers the line to log. */
async function checkTarget(target: Target): Promise<string> {
  try {
    await withRequestLimit(PREFLIGHT_REQUEST_MS, () =>
      withRetry(
        `checking ${target.client.registry}/${target.repository}`,
        () => provePush(target.client, target.repository),
        PREFLIGHT_RETRY,
      ),
    );
  } catch (err) {
    // A registry's answer (401, 403, a TLS trust error) is already said well; a network failure is not.
    const cause = err instanceof HttpError && err.code === 'RETRIES_EXHAUSTED' ? err.cause : err;
    if (!(cause instanceof HttpError) && codeOf(cause)) throw unreachable(target, cause);
    throw err;
  }
  return `${target.client.registry}/${target.repository}: reachable, push allowed for ${target.client.identity}`;
}

/**
 * Every target repository of the tags, checked side by side (each check is a few round trips), without
 * logging: answers the lines to log, in the tags' order; fails with the first failed target in that
 * order once every check settled. The caller logs them when it is ready to (startTargetChecks).
 */
export async function checkTargetsQuietly(
  clients: RegistryClients,
  tags: readonly Reference[],
): Promise<string[]> {
  const settled = await Promise.allSettled((await clients.targets(tags)).map(checkTarget));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
}

/**
 * Starts the checks at once, so they run beside the work that leaves nothing behind (the engine's and
 * buildx's versions, reading the sources); `report` logs their group and fails as they failed.
 */
export function startTargetChecks(
  clients: RegistryClients,
  tags: readonly Reference[],
): { report: () => Promise<void> } {
  const checks = checkTargetsQuietly(clients, tags);
  checks.catch(() => undefined); // report() throws it
  return {
    report: () =>
      core.group('Checking targets', async () => {
        for (const line of await checks) core.info(line);
      }),
  };
}
