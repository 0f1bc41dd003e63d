import { describe, expect, test } from 'vitest';
import { proxyFor } from '../../../src/blob-path/env-proxy.js';

// The same decisions undici's EnvHttpProxyAgent makes (lib/dispatcher/env-http-proxy-agent.js).
describe('whether a blob request would go through a proxy from the environment', () => {
  const P = 'http://proxy:3128';
  test.each([
    [1, 'https://ghcr.io/v2/', {}, undefined],
    [2, 'https://ghcr.io/v2/', { HTTPS_PROXY: P }, P],
    [3, 'http://127.0.0.1:5000/v2/', { HTTPS_PROXY: P }, undefined],
    [4, 'https://ghcr.io/v2/', { HTTP_PROXY: P }, P],
    [5, 'http://127.0.0.1:5000/v2/', { HTTP_PROXY: P }, P],
    [6, 'http://127.0.0.1:5000/v2/', { HTTP_PROXY: P, NO_PROXY: '127.0.0.1' }, undefined],
    [7, 'https://ghcr.io/v2/', { HTTPS_PROXY: P, NO_PROXY: '*' }, undefined],
    [8, 'https://pkg.ghcr.io/v2/', { HTTPS_PROXY: P, NO_PROXY: '.ghcr.io' }, undefined],
    [9, 'https://pkg.ghcr.io/v2/', { HTTPS_PROXY: P, NO_PROXY: '*.ghcr.io' }, undefined],
    [10, 'https://ghcr.io/v2/', { HTTPS_PROXY: P, NO_PROXY: 'ghcr.io:443' }, undefined],
    [11, 'https://ghcr.io:5000/v2/', { HTTPS_PROXY: P, NO_PROXY: 'ghcr.io:443' }, P],
    [12, 'https://notghcr.io/v2/', { HTTPS_PROXY: P, NO_PROXY: 'ghcr.io' }, P],
    [13, 'https://ghcr.io/v2/', { https_proxy: 'http://lower:1', HTTPS_PROXY: P }, 'http://lower:1'],
    [14, 'https://ghcr.io/v2/', { HTTPS_PROXY: P, no_proxy: 'ghcr.io', NO_PROXY: '' }, undefined],
    [15, 'https://ghcr.io/v2/', { HTTPS_PROXY: P, NO_PROXY: 'a.example, ghcr.io' }, undefined],
    [16, 'http://[::1]:5000/v2/', { HTTP_PROXY: P, NO_PROXY: '[::1]' }, undefined],
    [17, 'https://ghcr.io/v2/', { https_proxy: '', HTTP_PROXY: P }, P],
  ])('%i: %s with %j -> %s', (_n, url, env, expected) => {
    expect(proxyFor(new URL(url), env)).toBe(expected);
  });
});
