import { describe, expect, test } from 'vitest';
import { parseHead, requestHead } from '../../../src/blob-path/raw-http.js';

describe('the head of an answer', () => {
  test.each([
    [
      1,
      'HTTP/1.1 201 Created\r\nLocation: /v2/a/blobs/sha256:x\r\nDocker-Content-Digest: sha256:x\r\nContent-Length: 0\r\n\r\n',
      201,
      { location: '/v2/a/blobs/sha256:x', 'docker-content-digest': 'sha256:x', 'content-length': '0' },
    ],
    [
      2,
      'HTTP/1.1 202 Accepted\r\nRange: 0-1023\r\nlocation: /up?_state=a:b\r\n\r\n',
      202,
      { range: '0-1023', location: '/up?_state=a:b' },
    ],
    [
      3,
      'HTTP/1.0 413 Request Entity Too Large\r\nContent-Type: text/html\r\n\r\n<html>',
      413,
      { 'content-type': 'text/html' },
    ],
    [4, 'HTTP/1.1 200 OK\r\nX-A: 1\r\nX-A: 2\r\n\r\n', 200, { 'x-a': '1' }],
  ])('%i: parsed', (_n, text, status, headers) => {
    const head = parseHead(Buffer.from(text, 'latin1'));
    expect(head?.status).toBe(status);
    expect(head?.headers).toEqual(headers);
    expect(head?.end).toBe(text.indexOf('\r\n\r\n') + 4);
  });

  test('incomplete heads wait for more bytes', () => {
    expect(parseHead(Buffer.from('HTTP/1.1 201 Created\r\nLocation: /x\r\n'))).toBeUndefined();
  });

  test('anything but HTTP/1.x is a broken connection, retried', () => {
    expect(() => parseHead(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(
      expect.objectContaining({ code: 'ECONNRESET' }) as Error,
    );
  });
});

test('a request head: path and query as given, Host from the URL, closed after', () => {
  const url = new URL('http://127.0.0.1:5000/v2/a/blobs/uploads/x?_state=a%3Db&digest=sha256%3Aab');
  expect(requestHead('PUT', url, { 'content-length': '3' })).toBe(
    'PUT /v2/a/blobs/uploads/x?_state=a%3Db&digest=sha256%3Aab HTTP/1.1\r\nhost: 127.0.0.1:5000\r\nconnection: close\r\ncontent-length: 3\r\n\r\n',
  );
});
