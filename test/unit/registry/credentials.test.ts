import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { configKeys, decodeAuthEntry, readDockerCredentials } from '../../../src/registry/credentials.js';
import { stdoutOf } from '../../helpers/stdout.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('docker config credentials', () => {
  test.each([
    [1, { auth: b64('bot:p:a:ss') }, { username: 'bot', password: 'p:a:ss' }],
    [2, { username: 'u', password: 'p' }, { username: 'u', password: 'p' }],
    [3, { auth: b64('nocolon') }, undefined],
    [4, {}, undefined],
  ])('%i: decodes %j', (_n, entry, expected) => {
    expect(decodeAuthEntry(entry)).toEqual(expected);
  });

  test('Docker Hub is keyed by its legacy URL first', () => {
    expect(configKeys('docker.io')[0]).toBe('https://index.docker.io/v1/');
  });

  test('reads auths from the config file and masks the secret', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ auths: { 'https://ghcr.io': { auth: b64('bot:tok3n') } } }));
    const out = await stdoutOf(async () => {
      const creds = await readDockerCredentials('ghcr.io', file);
      expect(creds).toMatchObject({ username: 'bot', password: 'tok3n' });
    });
    expect(out).toContain('::add-mask::tok3n');
  });

  test('no file, no entry: undefined', async () => {
    expect(await readDockerCredentials('ghcr.io', '/nonexistent/config.json')).toBeUndefined();
  });
});
