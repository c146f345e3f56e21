/**
 * Words for what the accounts screen shows: dates, ages, counts, token
 * states and permission names. Pure functions of their inputs and `now`,
 * so a render is the same on every machine.
 */
import type {
  AccountSummary,
  InstagramScope,
  ReconnectReason,
} from '../../electron/ipc/contract';

/** One minute in milliseconds, for the screens' clocks. */
export const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How close to expiry a token gets a notice (the brief: 7 days). */
export const EXPIRY_NOTICE_MS = 7 * DAY;

/** Instagram's scopes in the order the dashboard lists them, in words. */
export const SCOPE_LABELS: Record<InstagramScope, string> = {
  instagram_business_basic: 'Profile and media',
  instagram_business_content_publish: 'Publish content',
  instagram_business_manage_messages: 'Manage messages',
  instagram_business_manage_comments: 'Manage comments',
  instagram_business_manage_insights: 'Read insights',
};

const REASONS: Record<ReconnectReason, string> = {
  'token-revoked':
    'Instagram no longer accepts the token (access removed or password ' +
    'changed)',
  'token-expired': 'the token expired',
  'token-unreadable': 'the saved token cannot be decrypted on this computer',
  'scopes-missing': 'some permissions were not granted',
};

const ACCOUNT_TYPES: Record<string, string> = {
  BUSINESS: 'Business account',
  MEDIA_CREATOR: 'Creator account',
  CREATOR: 'Creator account',
};

// Made once: building an Intl formatter costs far more than using one,
// and a list of 500 accounts formats two dates and a count per card.
const DAY_THIS_YEAR = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
});
const DAY_OTHER_YEAR = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});

const TIME_OF_DAY = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
});

/** "16:46" on the computer's clock. */
export function formatTimeOfDay(time: number): string {
  return TIME_OF_DAY.format(time);
}

/**
 * Instagram refreshes a long-lived token only once it is 24 hours old
 * (DESIGN.md, "Refresh"); before that, Refresh now would only fail.
 */
export const MIN_REFRESH_AGE_MS = DAY;

/** "3 Feb", with the year when it is not this year's. */
export function formatDay(time: number, now: number): string {
  const sameYear = new Date(time).getFullYear() === new Date(now).getFullYear();

  return (sameYear ? DAY_THIS_YEAR : DAY_OTHER_YEAR).format(time);
}

/** "just now", "5 minutes ago", "yesterday", "2 days ago". */
export function formatAgo(time: number, now: number): string {
  const elapsed = Math.max(0, now - time);

  if (elapsed < MINUTE) return 'just now';
  if (elapsed < HOUR) return plural(Math.floor(elapsed / MINUTE), 'minute');
  if (elapsed < DAY) return plural(Math.floor(elapsed / HOUR), 'hour');
  if (elapsed < 2 * DAY) return 'yesterday';
  return plural(Math.floor(elapsed / DAY), 'day');
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'} ago`;
}

/** "4:05" for a countdown; never negative. */
export function formatCountdown(remainingMs: number): string {
  const seconds = Math.max(0, Math.ceil(remainingMs / 1000));
  const minutes = Math.floor(seconds / 60);

  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Why an account needs reconnecting, in words. */
export function reconnectReasonWords(reason?: ReconnectReason): string {
  return reason ? REASONS[reason] : 'Instagram no longer accepts the token';
}

/** The token's state in words, e.g. "Valid until 3 Feb, refreshed 2 days ago". */
export function tokenStatusWords(account: AccountSummary, now: number): string {
  if (account.status === 'reconnect-needed') {
    return `Reconnect needed: ${reconnectReasonWords(account.reconnectReason)}.`;
  }

  const validUntil = `Valid until ${formatDay(account.tokenExpiresAt, now)}`;
  return account.lastRefreshedAt === undefined
    ? `${validUntil}, linked ${formatAgo(account.linkedAt, now)}.`
    : `${validUntil}, refreshed ${formatAgo(account.lastRefreshedAt, now)}.`;
}

/** True when the account needs the user's attention about its token. */
export function needsTokenNotice(
  account: AccountSummary,
  now: number,
): boolean {
  return (
    account.status === 'reconnect-needed' ||
    account.tokenExpiresAt - now < EXPIRY_NOTICE_MS
  );
}

/** "Business account" for Instagram's `BUSINESS`, else the raw type. */
export function accountTypeWords(type?: string): string | undefined {
  return type === undefined ? undefined : (ACCOUNT_TYPES[type] ?? type);
}

/** A permission's label, or its raw name when Instalink does not know it. */
export function scopeWords(scope: string): string {
  return Object.hasOwn(SCOPE_LABELS, scope)
    ? SCOPE_LABELS[scope as InstagramScope]
    : scope;
}

const COUNT = new Intl.NumberFormat('en-GB');

/** "12,345" in a fixed locale, or "unknown". */
export function formatCount(count?: number): string {
  return count === undefined ? 'unknown' : COUNT.format(count);
}

/** Up to two letters for the avatar fallback, from the name or username. */
export function initialsOf(account: AccountSummary): string {
  const source = account.name?.trim() || account.username;
  const words = source.split(/[\s._-]+/).filter(Boolean);
  const letters = words.slice(0, 2).map((word) => word[0] ?? '');

  return letters.join('').toUpperCase() || '?';
}
