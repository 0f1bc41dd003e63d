// 'undici' as the bundles see it (tsconfig.json's `paths`): the parts this
// action and @actions/http-client use, each loaded on first use, with
// undici's own files and semantics. undici's index loads all of undici at
// once (fetch, websocket, caches, mocks: 1.2 MB of source), and
// @actions/core imports it through http-client: every main and every post
// paid ~0.1-0.2 s for it before their first line ran, and post uses no HTTP.
'use strict';

let api;

/** undici's request API, mixed into every dispatcher as undici's index does, on first use. */
function loadApi() {
  if (!api) {
    api = require('undici/lib/api/index.js');
    Object.assign(require('undici/lib/dispatcher/dispatcher.js').prototype, api);
  }
  return api;
}

function withApi(cls) {
  loadApi();
  return cls;
}

/** undici's request(url, opts): the URL split into origin and path for the dispatcher. */
function request(url, opts = {}) {
  if (opts.agent) throw new TypeError('unsupported opts.agent. Did you mean opts.dispatcher?');
  const parsed = new URL(url);
  const dispatcher = opts.dispatcher ?? require('undici/lib/global.js').getGlobalDispatcher();
  return loadApi().request.call(dispatcher, {
    ...opts,
    origin: parsed.origin,
    path: `${parsed.pathname}${parsed.search}`,
    method: opts.method || (opts.body ? 'PUT' : 'GET'),
  });
}

// Named first by plain assignments, which is how Node finds a CommonJS module's exports for ESM
// importers (tsx runs bench/ and support/ with the same paths); then each is a getter.
exports.Agent = undefined;
exports.EnvHttpProxyAgent = undefined;
exports.ProxyAgent = undefined;
exports.request = request;

// Each require() is written out, so the bundler finds it.
const lazy = (load) => ({ enumerable: true, get: () => withApi(load()) });
Object.defineProperties(exports, {
  Agent: lazy(() => require('undici/lib/dispatcher/agent.js')),
  EnvHttpProxyAgent: lazy(() => require('undici/lib/dispatcher/env-http-proxy-agent.js')),
  ProxyAgent: lazy(() => require('undici/lib/dispatcher/proxy-agent.js')),
});
