// The types of what undici-parts.cjs gives: undici's own.
export { Agent, EnvHttpProxyAgent, ProxyAgent, request } from 'undici/types/index.js';
export type { Dispatcher } from 'undici/types/index.js';
