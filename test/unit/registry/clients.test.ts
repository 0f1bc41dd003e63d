import { describe, expect, test } from 'vitest';
import { schemeFor } from '../../../src/registry/clients.js';

describe('how a registry is reached', () => {
  test.each([
    [1, 'ghcr.io', [], 'https'],
    [2, 'registry.intranet:5000', ['registry.intranet:5000'], 'http'],
    [3, 'registry.intranet:5000', ['registry.intranet'], 'https'],
    [4, '127.0.0.1:5000', [], 'probe'],
    [5, 'localhost:5000', [], 'probe'],
    [6, '127.0.0.1:5000', ['127.0.0.1:5000'], 'http'],
    [7, '[::1]:5000', [], 'probe'],
  ])('%i: %s with insecure %j -> %s', (_n, registry, insecure, expected) => {
    expect(schemeFor(registry, insecure)).toBe(expected);
  });
});
