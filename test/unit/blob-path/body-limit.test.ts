// BodyLimit: what one registry was seen to accept. A 413 switches uploads to
// chunks; two broken sends in a row of a large body do too, then shrink the
// chunks (÷4) down to the floor; a send that goes through resets the count;
// small bodies, TransientErrors and non-network errors never count.
import { describe, expect, test } from 'vitest';
import { TransientError } from '../../../src/retry.js';
import { BodyLimit, FIRST_CHUNK_BYTES, MIN_CHUNK_BYTES } from '../../../src/blob-path/body-limit.js';

const MiB = 1024 * 1024;
const KiB = 1024;

type Step = 'reset' | 'epipe' | 'transient' | 'plain' | 'sent';

/** What the upload code hands `brokenSend` for each kind of failure. */
function failure(step: Exclude<Step, 'sent'>): unknown {
  switch (step) {
    case 'reset':
      return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    case 'epipe':
      return Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    case 'transient':
      return new TransientError('503 Service Unavailable');
    case 'plain':
      return new Error('manifest invalid');
  }
}

/** Runs the steps; after each, the chunk size in use and whether brokenSend answered "a limit". */
function run(blobSize: number, steps: Step[]): [number | undefined, boolean][] {
  const limit = new BodyLimit('registry.test');
  return steps.map((step) => {
    if (step === 'sent') {
      limit.sent();
      return [limit.chunkSize, false];
    }
    const answer = limit.brokenSend(failure(step), limit.chunkSize, blobSize);
    if (answer !== undefined) expect(answer).toBeInstanceOf(TransientError);
    return [limit.chunkSize, answer !== undefined];
  });
}

/** `steps` answers in a row, each: still whole bodies, and no limit seen. */
const neverChunked = (steps: number): [number | undefined, boolean][] =>
  Array.from({ length: steps }, () => [undefined, false]);

describe('broken sends fall back to chunks, then smaller chunks', () => {
  const big = 100 * MiB;
  test.each<[number, number, Step[], [number | undefined, boolean][]]>([
    [1, big, ['reset'], [[undefined, false]]],
    [
      2,
      big,
      ['reset', 'reset'],
      [
        [undefined, false],
        [FIRST_CHUNK_BYTES, true],
      ],
    ],
    [
      3,
      big,
      ['epipe', 'reset'],
      [
        [undefined, false],
        [8 * MiB, true],
      ],
    ],
    // The fall back to chunks resets the count: one more reset is not yet a limit.
    [
      4,
      big,
      ['reset', 'reset', 'reset'],
      [
        [undefined, false],
        [8 * MiB, true],
        [8 * MiB, false],
      ],
    ],
    [
      5,
      big,
      ['reset', 'reset', 'reset', 'reset', 'reset', 'reset', 'reset', 'reset', 'reset', 'reset'],
      [
        [undefined, false],
        [8 * MiB, true],
        [8 * MiB, false],
        [2 * MiB, true],
        [2 * MiB, false],
        [512 * KiB, true],
        [512 * KiB, false],
        // 512 KiB / 4 is below the floor: the floor.
        [MIN_CHUNK_BYTES, true],
        // At the floor a chunk is small: resets no longer count.
        [256 * KiB, false],
        [256 * KiB, false],
      ],
    ],
    // A send that goes through in between: the resets were not a limit.
    [6, big, ['reset', 'sent', 'reset', 'sent', 'reset'], neverChunked(5)],
    [
      7,
      big,
      ['reset', 'reset', 'reset', 'sent', 'reset'],
      [
        [undefined, false],
        [8 * MiB, true],
        [8 * MiB, false],
        [8 * MiB, false],
        [8 * MiB, false],
      ],
    ],
    // TransientErrors (a 5xx, a 429) and errors that are no network failure never count...
    [8, big, ['transient', 'transient', 'transient', 'plain', 'plain'], neverChunked(5)],
    // ...and do not reset the count either: they are not a body that went through.
    [
      9,
      big,
      ['reset', 'transient', 'reset'],
      [
        [undefined, false],
        [undefined, false],
        [8 * MiB, true],
      ],
    ],
    // Small bodies never count: the floor itself, and below it.
    [10, MIN_CHUNK_BYTES, ['reset', 'reset', 'reset'], neverChunked(3)],
    [11, 1000, ['reset', 'epipe', 'reset', 'epipe'], neverChunked(4)],
    [
      12,
      MIN_CHUNK_BYTES + 1,
      ['reset', 'reset'],
      [
        [undefined, false],
        [8 * MiB, true],
      ],
    ],
  ])('%i: a %i-byte blob, %j', (_n, blobSize, steps, expected) => {
    expect(run(blobSize, steps)).toEqual(expected);
  });
});

describe('a 413', () => {
  test.each([
    [1, undefined, FIRST_CHUNK_BYTES, 8 * MiB],
    [2, 8 * MiB, 2 * MiB, 2 * MiB],
    [3, 2 * MiB, MIN_CHUNK_BYTES, 256 * KiB],
  ])('%i: while sending chunks of %j, tooLarge(%i) -> chunks of %i', (_n, before, asked, after) => {
    const limit = new BodyLimit('registry.test');
    if (before !== undefined) limit.tooLarge(before, 'setup');
    const err = limit.tooLarge(asked, 'a test body');
    expect(err).toBeInstanceOf(TransientError);
    // Retried at once: the next attempt already uses chunks.
    expect(err.retryAfterMs).toBe(0);
    expect(err.message).toBe('a test body too large for registry.test');
    expect(limit.chunkSize).toBe(after);
  });

  test('1: a 413 resets the broken-send count', () => {
    const limit = new BodyLimit('registry.test');
    const reset = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
    expect(limit.brokenSend(reset, undefined, 100 * MiB)).toBeUndefined();
    limit.tooLarge(FIRST_CHUNK_BYTES, 'a 100 MiB upload');
    // One broken send after the switch is only one in a row.
    expect(limit.brokenSend(reset, limit.chunkSize, 100 * MiB)).toBeUndefined();
    expect(limit.chunkSize).toBe(8 * MiB);
    expect(limit.brokenSend(reset, limit.chunkSize, 100 * MiB)).toBeInstanceOf(TransientError);
    expect(limit.chunkSize).toBe(2 * MiB);
  });

  test('1: whole bodies until something says otherwise', () => {
    expect(new BodyLimit('registry.test').chunkSize).toBeUndefined();
  });
});
