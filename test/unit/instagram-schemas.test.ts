import { describe, expect, it } from 'vitest';

import {
  codeExchangeSchema,
  describeIssues,
  instagramIdSchema,
  LONG_LIVED_FALLBACK_SECONDS,
  MAX_PLAUSIBLE_EXPIRES_IN_SECONDS,
  parseInstagramJson,
  plausibleExpiresIn,
} from '../../electron/instagram/schemas';
import { readFixture } from '../support/fixture-server';

describe('parseInstagramJson', () => {
  it('keeps the digits of a user_id above 2^53', () => {
    const body = parseInstagramJson(readFixture('token-bigint.json'));

    expect(
      instagramIdSchema.parse((body as { user_id: unknown }).user_id),
    ).toBe('17841400000000001');
  });

  it('throws on text that is not JSON', () => {
    expect(() => parseInstagramJson('<html>')).toThrow(SyntaxError);
  });
});

describe('instagramIdSchema', () => {
  it('accepts an id sent as a string of digits', () => {
    expect(instagramIdSchema.parse('17841400000000002')).toBe(
      '17841400000000002',
    );
  });

  it('rejects an id that is not digits', () => {
    expect(instagramIdSchema.safeParse('1784e5').success).toBe(false);
  });

  it('rejects a fractional JSON number as an id', () => {
    const body = parseInstagramJson('{"id": 1.5}') as { id: unknown };

    expect(instagramIdSchema.safeParse(body.id).success).toBe(false);
  });
});

describe('codeExchangeSchema', () => {
  it('names the missing fields of an unusable answer', () => {
    const result = codeExchangeSchema.safeParse(parseInstagramJson('{}'));

    expect(result.success).toBe(false);
    expect(describeIssues(result.error!)).toContain('access_token');
    expect(describeIssues(result.error!)).toContain('user_id');
  });

  it('rejects an empty data array', () => {
    const result = codeExchangeSchema.safeParse({ data: [] });

    expect(result.success).toBe(false);
  });
});

describe('plausibleExpiresIn', () => {
  it("accepts Instagram's usual 60-day value", () => {
    expect(plausibleExpiresIn(parseInstagramJson('5183944'))).toBe(5183944);
  });

  it('accepts a lifetime sent as a numeric string', () => {
    expect(plausibleExpiresIn('5184000')).toBe(5184000);
  });

  it('accepts exactly one year', () => {
    expect(plausibleExpiresIn(MAX_PLAUSIBLE_EXPIRES_IN_SECONDS)).toBe(
      MAX_PLAUSIBLE_EXPIRES_IN_SECONDS,
    );
  });

  it.each([
    ['a year and a second', MAX_PLAUSIBLE_EXPIRES_IN_SECONDS + 1],
    ['a huge JSON number', parseInstagramJson('1e400')],
    ['a fraction of a second', 0.5],
    ['a boolean', true],
    ['an object', {}],
  ])('rejects %s', (_label, raw) => {
    expect(plausibleExpiresIn(raw)).toBeUndefined();
  });

  it('falls back to less than the documented 60 days', () => {
    expect(LONG_LIVED_FALLBACK_SECONDS).toBeLessThan(60 * 24 * 3600);
  });
});
