import { describe, expect, test } from 'vitest';
import { apiHost, formatReference, isLoopbackHost, parseReference } from '../../../src/registry/reference.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseReference', () => {
  test.each([
    [1, 'ghcr.io/acme/app:1.2.0', { registry: 'ghcr.io', repository: 'acme/app', tag: '1.2.0' }],
    [2, 'acme/app', { registry: 'docker.io', repository: 'acme/app' }],
    [3, 'alpine:3', { registry: 'docker.io', repository: 'library/alpine', tag: '3' }],
    [4, '127.0.0.1:5000/x/y:z', { registry: '127.0.0.1:5000', repository: 'x/y', tag: 'z' }],
    [5, 'localhost/app', { registry: 'localhost', repository: 'app' }],
    [6, `ghcr.io/a/b@${D}`, { registry: 'ghcr.io', repository: 'a/b', digest: D }],
    [7, `ghcr.io/a/b:t@${D}`, { registry: 'ghcr.io', repository: 'a/b', tag: 't', digest: D }],
    [8, 'index.docker.io/library/busybox', { registry: 'docker.io', repository: 'library/busybox' }],
    [9, '[::1]:5000/app:1', { registry: '[::1]:5000', repository: 'app', tag: '1' }],
    [
      10,
      'registry.example.com:443/a__b/c-d.e:v1_2',
      { registry: 'registry.example.com:443', repository: 'a__b/c-d.e', tag: 'v1_2' },
    ],
  ])('%i: %s', (_n, raw, expected) => {
    expect(parseReference(raw)).toEqual(expected);
  });

  test.each([
    [1, 'ghcr.io/Acme/app', /lowercase/],
    [2, 'ghcr.io/acme/app:', /tag ''/],
    [3, 'ghcr.io/acme/app@sha256:abc', /digest/],
    [4, '', /empty/],
    [5, 'ghcr.io/acme//app', /component ''/],
    [6, 'ghcr.io/acme/app:-bad', /tag '-bad'/],
    [7, 'a@b@c', /more than one/],
  ])('%i: rejects %j', (_n, raw, message) => {
    expect(() => parseReference(raw)).toThrow(message);
  });

  test('format round-trips', () => {
    expect(formatReference(parseReference('ghcr.io/acme/app:1'))).toBe('ghcr.io/acme/app:1');
  });

  test.each([
    [1, '127.0.0.1:5000', true],
    [2, 'localhost:5000', true],
    [3, '[::1]:5000', true],
    [4, '127.8.9.10', true],
    [5, '10.0.0.1:5000', false],
    [6, 'ghcr.io', false],
    [7, '127.0.0.1.example.com', false],
  ])('%i: loopback %s = %s', (_n, host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  test('Docker Hub API host', () => {
    expect(apiHost('docker.io')).toBe('registry-1.docker.io');
    expect(apiHost('ghcr.io')).toBe('ghcr.io');
  });
});
