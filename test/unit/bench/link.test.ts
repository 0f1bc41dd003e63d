import { describe, expect, test } from 'vitest';
import { parseProfiles, TokenBucket, TurnCounts, wireSeconds } from '../../../bench/link.js';

describe('TokenBucket', () => {
  // 1000 bytes/s = 1 byte/ms, burst 100 bytes, all times in ms.
  test.each([
    // [row, reservations as [bytes, now], the expected departure times]
    [1, [[100, 0]], [0]],
    [2, [[150, 0]], [50]],
    [
      3,
      [
        [100, 0],
        [100, 0],
      ],
      [0, 100],
    ],
    [
      4,
      [
        [100, 0],
        [100, 0],
        [50, 10],
      ],
      [0, 100, 150],
    ],
    [
      5,
      [
        [100, 0],
        [100, 500],
      ],
      [0, 500],
    ],
    [
      6,
      [
        [100, 0],
        [300, 1000],
      ],
      [0, 1200],
    ],
    [
      7,
      [
        [50, 0],
        [50, 0],
        [50, 0],
      ],
      [0, 0, 50],
    ],
  ])('row %i', (_row, reservations, expected) => {
    const bucket = new TokenBucket(1000, 100, 0);
    expect(reservations.map(([n = 0, now = 0]) => bucket.reserve(n, now))).toEqual(expected);
  });

  test('the long-run rate is the rate, however the bytes come', () => {
    const bucket = new TokenBucket(125e6, 64 * 1024, 0); // 1 Gbit/s
    let last = 0;
    for (let i = 0; i < 1000; i++) last = bucket.reserve(1024 * 1024, i * 0.1);
    // 1000 MiB at 125 MB/s: 8.39 s, less the burst's 0.5 ms
    expect(last).toBeGreaterThan(8380);
    expect(last).toBeLessThan(8390);
  });

  test('a rate of 0 is refused', () => {
    expect(() => new TokenBucket(0, 1, 0)).toThrow(/rate above 0/);
  });
});

describe('TurnCounts', () => {
  test('one request after another: each is sequential', () => {
    const c = new TurnCounts();
    const a = c.open();
    for (let i = 0; i < 3; i++) {
      a.client();
      a.client(); // more bytes of the same request
      a.server();
      a.server();
    }
    expect([c.connections, c.turns, c.sequential]).toEqual([1, 3, 3]);
  });

  test('requests side by side count once as sequential', () => {
    const c = new TurnCounts();
    const conns = [c.open(), c.open(), c.open()];
    for (const k of conns) k.client();
    for (const k of conns) k.server();
    expect([c.connections, c.turns, c.sequential]).toEqual([3, 3, 1]);
  });

  test('a request while an upload awaits its answer overlaps it; a closed connection awaits nothing', () => {
    const c = new TurnCounts();
    const upload = c.open();
    upload.client();
    const head = c.open();
    head.client();
    head.server();
    upload.close();
    head.client();
    expect([c.turns, c.sequential]).toEqual([3, 2]);
  });
});

test.each([
  [1, 'loopback,20ms-1g', ['loopback', '20ms-1g']],
  [2, ' 80ms-200m ', ['80ms-200m']],
])('parseProfiles row %i', (_row, list, keys) => {
  expect(parseProfiles(list).map(([k]) => k)).toEqual(keys);
});

test('parseProfiles names the valid profiles', () => {
  expect(() => parseProfiles('10ms')).toThrow(
    "unknown link profile '10ms': one of loopback, 20ms-1g, 80ms-200m",
  );
});

test('wireSeconds', () => {
  expect(wireSeconds(125e6, 1e9)).toBe(1);
  expect(wireSeconds(1, 0)).toBe(0);
});
