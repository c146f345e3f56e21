import { describe, expect, it } from 'vitest';

import {
  DAY_MS as DAY,
  HOUR_MS as HOUR,
  MINUTE_MS as MINUTE,
} from '../../electron/core/time';
import {
  backoffDelay,
  baseDueAt,
  compareScopes,
  decideRefresh,
  DEFAULT_REFRESH_POLICY,
  isExpiringSoon,
  pickJitter,
  refreshDueAt,
  refreshWindowOpensAt,
  type TokenTimes,
} from '../../electron/tokens/policy';

const ISSUED = Date.UTC(2025, 0, 1);

/** A token issued at ISSUED that lives `days` days. */
function tokenLiving(days: number): TokenTimes {
  return { tokenIssuedAt: ISSUED, tokenExpiresAt: ISSUED + days * DAY };
}

describe('refresh window', () => {
  it('opens 24 hours after the token was issued', () => {
    expect(refreshWindowOpensAt(tokenLiving(60))).toBe(ISSUED + DAY);
  });

  it('makes a 60-day token due 30 days after issue', () => {
    expect(baseDueAt(tokenLiving(60))).toBe(ISSUED + 30 * DAY);
  });

  it('never puts the due time before the 24-hour mark', () => {
    expect(baseDueAt(tokenLiving(10))).toBe(ISSUED + DAY);
  });

  it('adds the jitter to the due time', () => {
    expect(refreshDueAt(tokenLiving(60), 2 * HOUR)).toBe(
      ISSUED + 30 * DAY + 2 * HOUR,
    );
  });
});

describe('jitter', () => {
  it('stays under six hours for a 60-day token', () => {
    const jitter = pickJitter(tokenLiving(60), () => 0.999_999);

    expect(jitter).toBeLessThan(6 * HOUR);
    expect(jitter).toBeGreaterThan(5.9 * HOUR);
  });

  it('is zero when the random source returns zero', () => {
    expect(pickJitter(tokenLiving(60), () => 0)).toBe(0);
  });

  it('leaves a short-lived token due before it expires', () => {
    const token = tokenLiving(1.25);
    const jitter = pickJitter(token, () => 0.999_999);

    expect(refreshDueAt(token, jitter)).toBeLessThan(token.tokenExpiresAt);
  });

  it('ignores a random source that returns values out of range', () => {
    expect(pickJitter(tokenLiving(60), () => -3)).toBe(0);
    expect(pickJitter(tokenLiving(60), () => 7)).toBeLessThan(6 * HOUR);
  });
});

describe('decideRefresh', () => {
  it('waits until the due time while the token is fresh', () => {
    const decision = decideRefresh(tokenLiving(60), ISSUED + 2 * DAY, 0);

    expect(decision).toEqual({ action: 'wait', at: ISSUED + 30 * DAY });
  });

  it('refreshes once the due time has passed', () => {
    const decision = decideRefresh(tokenLiving(60), ISSUED + 31 * DAY, 0);

    expect(decision).toEqual({ action: 'refresh' });
  });

  it('waits out the jitter after the base due time', () => {
    const decision = decideRefresh(
      tokenLiving(60),
      ISSUED + 30 * DAY + HOUR,
      3 * HOUR,
    );

    expect(decision.action).toBe('wait');
  });

  it('does not refresh a short-lived token younger than 24 hours', () => {
    const decision = decideRefresh(tokenLiving(2), ISSUED + 23 * HOUR, 0);

    expect(decision).toEqual({ action: 'wait', at: ISSUED + DAY });
  });

  it('calls a token at its expiry expired', () => {
    const decision = decideRefresh(tokenLiving(60), ISSUED + 60 * DAY, 0);

    expect(decision).toEqual({ action: 'expired' });
  });

  it('waits no later than expiry when the token cannot reach 24 hours', () => {
    const token = tokenLiving(0.5);

    expect(decideRefresh(token, ISSUED, 0)).toEqual({
      action: 'wait',
      at: token.tokenExpiresAt,
    });
  });
});

describe('backoffDelay', () => {
  it('waits one minute after the first failure', () => {
    expect(backoffDelay(1)).toBe(MINUTE);
  });

  it('doubles the wait with each further failure', () => {
    expect([2, 3, 4].map((failures) => backoffDelay(failures))).toEqual([
      2 * MINUTE,
      4 * MINUTE,
      8 * MINUTE,
    ]);
  });

  it('caps the wait at six hours', () => {
    expect(backoffDelay(9)).toBe(256 * MINUTE);
    expect(backoffDelay(10)).toBe(6 * HOUR);
    expect(backoffDelay(10_000)).toBe(6 * HOUR);
  });
});

describe('isExpiringSoon', () => {
  it('is false with more than seven days left', () => {
    expect(isExpiringSoon(tokenLiving(60), ISSUED + 52 * DAY)).toBe(false);
  });

  it('is true with fewer than seven days left', () => {
    expect(isExpiringSoon(tokenLiving(60), ISSUED + 54 * DAY)).toBe(true);
  });

  it('uses the policy threshold', () => {
    const policy = { ...DEFAULT_REFRESH_POLICY, expiryNoticeMs: 20 * DAY };

    expect(isExpiringSoon(tokenLiving(60), ISSUED + 45 * DAY, policy)).toBe(
      true,
    );
  });
});

describe('compareScopes', () => {
  it('returns nothing when every requested scope was granted', () => {
    expect(
      compareScopes(
        ['instagram_business_basic', 'instagram_business_manage_comments'],
        ['instagram_business_manage_comments', 'instagram_business_basic'],
      ),
    ).toEqual([]);
  });

  it('returns the requested scopes missing from the grant, in order', () => {
    expect(
      compareScopes(
        [
          'instagram_business_basic',
          'instagram_business_content_publish',
          'instagram_business_manage_insights',
        ],
        ['instagram_business_basic'],
      ),
    ).toEqual([
      'instagram_business_content_publish',
      'instagram_business_manage_insights',
    ]);
  });

  it('ignores surrounding spaces and letter case', () => {
    expect(
      compareScopes(
        [' instagram_business_basic'],
        ['INSTAGRAM_BUSINESS_BASIC '],
      ),
    ).toEqual([]);
  });

  it('lists a missing scope requested twice only once', () => {
    expect(
      compareScopes(
        [
          'instagram_business_manage_messages',
          'instagram_business_manage_messages',
        ],
        [],
      ),
    ).toEqual(['instagram_business_manage_messages']);
  });

  it('ignores extra scopes that were granted but not requested', () => {
    expect(
      compareScopes(
        ['instagram_business_basic'],
        ['instagram_business_basic', 'instagram_business_manage_insights'],
      ),
    ).toEqual([]);
  });
});
