// Whether undici's EnvHttpProxyAgent would send a request through a proxy
// from the environment (HTTP_PROXY, HTTPS_PROXY, NO_PROXY, lowercase first),
// decided the way it decides: the lean blob path (raw-http.ts) only goes
// direct, so a URL that would be proxied takes the undici way instead.

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

type Env = Record<string, string | undefined>;

interface NoProxyEntry {
  hostname: string;
  port: number;
}

/** NO_PROXY entries (pure): comma or space separated, `host`, `host:port`, `.suffix`, `*.suffix`. */
export function parseNoProxy(value: string): NoProxyEntry[] {
  const entries: NoProxyEntry[] = [];
  for (const entry of value.split(/[,\s]/)) {
    if (!entry) continue;
    const parsed = /^(.+):(\d+)$/.exec(entry);
    entries.push({
      hostname: (parsed?.[1] ?? entry).replace(/^\*?\./, '').toLowerCase(),
      port: parsed?.[2] ? Number.parseInt(parsed[2], 10) : 0,
    });
  }
  return entries;
}

/** The proxy URL undici would use for `url`, or undefined when it would connect directly (pure). */
export function proxyFor(url: URL, env: Env = process.env): string | undefined {
  const httpProxy = env.http_proxy ?? env.HTTP_PROXY;
  const httpsProxy = (env.https_proxy ?? env.HTTPS_PROXY) || httpProxy;
  const proxy = url.protocol === 'https:' ? httpsProxy : httpProxy;
  if (!proxy) return undefined;
  const noProxy = env.no_proxy ?? env.NO_PROXY ?? '';
  const entries = parseNoProxy(noProxy);
  if (entries.length === 0) return proxy;
  if (noProxy === '*') return undefined;
  const hostname = url.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number.parseInt(url.port, 10) || DEFAULT_PORTS[url.protocol] || 0;
  for (const entry of entries) {
    if (entry.port && entry.port !== port) continue;
    if (hostname === entry.hostname || hostname.endsWith(`.${entry.hostname}`)) return undefined;
  }
  return proxy;
}
