import { describe, expect, it } from 'vitest';

import { DAY_MS as DAY, MINUTE_MS as MINUTE } from '../../electron/core/time';
import {
  createRefreshMemory,
  type RememberedToken,
} from '../../electron/tokens/refresh-memory';

const ISSUED = Date.UTC(2025, 0, 1);

function token(issuedAt = ISSUED): RememberedToken {
  return {
    userId: '17841400000000001',
    tokenIssuedAt: issuedAt,
    tokenExpiresAt: issuedAt + 60 * DAY,
  };
}

/** A random source that returns the given values in turn. */
function sequence(...values: number[]): () => number {
  let next = 0;

  return () => values[next++ % values.length] ?? 0;
}

describe('refresh memory', () => {
  it('draws a token jitter once and keeps it', () => {
    const memory = createRefreshMemory(sequence(0.5, 0.1));

    expect(memory.jitterFor(token())).toBe(memory.jitterFor(token()));
  });

  it('draws a new jitter for a newer token of the same account', () => {
    const memory = createRefreshMemory(sequence(0.5, 0.1));
    const first = memory.jitterFor(token());

    expect(memory.jitterFor(token(ISSUED + 30 * DAY))).not.toBe(first);
  });

  it('holds no retry time before any failure', () => {
    expect(createRefreshMemory(Math.random).retryAt(token())).toBeUndefined();
  });

  it('doubles the retry delay with each recorded failure', () => {
    const memory = createRefreshMemory(Math.random);
    const now = ISSUED + 30 * DAY;

    expect(memory.recordFailure(token(), now)).toBe(now + MINUTE);
    expect(memory.recordFailure(token(), now)).toBe(now + 2 * MINUTE);
    expect(memory.retryAt(token())).toBe(now + 2 * MINUTE);
  });

  it('ignores failures recorded against an older token', () => {
    const memory = createRefreshMemory(Math.random);

    memory.recordFailure(token(), ISSUED + 30 * DAY);

    expect(memory.retryAt(token(ISSUED + 31 * DAY))).toBeUndefined();
  });

  it('forgets failures when told to', () => {
    const memory = createRefreshMemory(Math.random);

    memory.recordFailure(token(), ISSUED + 30 * DAY);
    memory.forget(token().userId);

    expect(memory.retryAt(token())).toBeUndefined();
  });
});
