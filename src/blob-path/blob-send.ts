// How a request with a BlobSource body goes out: over a raw socket
// (raw-http.ts) when undici would connect directly, else the undici way
// through the environment's proxy (CONNECT for https), one copy per chunk.
import * as core from '@actions/core';
import { Readable } from 'node:stream';
import type { Http, HttpRequest, HttpResponse } from '../http.js';
import { pump, toReadable, type BlobSource } from './blob-pump.js';
import { proxyFor } from './env-proxy.js';
import { RawSink } from './raw-http.js';
import type { WarmSocket } from './warm-socket.js';

/** A short body already read, shaped like undici's (a stream with its mixins) for drain() and fail(). */
function textBody(text: string): HttpResponse['body'] {
  const body = Object.assign(Readable.from([Buffer.from(text)]), {
    text: () => Promise.resolve(text),
    json: () => Promise.resolve(JSON.parse(text) as unknown),
    arrayBuffer: () => Promise.resolve(new TextEncoder().encode(text).buffer),
    dump: () => Promise.resolve(),
  });
  return body as unknown as HttpResponse['body'];
}

export function isLeanUrl(url: URL): boolean {
  return (url.protocol === 'http:' || url.protocol === 'https:') && proxyFor(url) === undefined;
}

export async function sendBlobBody(
  http: Http,
  req: Omit<HttpRequest, 'body'> & { body: BlobSource; warm?: WarmSocket },
): Promise<HttpResponse> {
  const url = new URL(req.url);
  const headers = {
    ...req.headers,
    'content-length': req.headers?.['content-length'] ?? String(req.body.size),
  };
  if (!isLeanUrl(url)) {
    core.debug(`${req.method} ${url.host}${url.pathname} through the proxy from the environment`);
    return http.request({ ...req, headers, body: toReadable(req.body) });
  }
  core.debug(`${req.method} ${url.host}${url.pathname}: raw socket`);
  const sink = new RawSink(req.method, url, headers, { ca: http.ca, socket: req.warm?.take(url) });
  await pump(req.body, sink);
  const answer = await sink.finish();
  return { status: answer.status, headers: answer.headers, body: textBody(answer.text) };
}
