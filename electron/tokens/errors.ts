/**
 * The account asked for is not linked (never was, or was just removed).
 * The storage module's class, re-exported so that callers of the
 * scheduler need not know where it comes from.
 */
export { AccountNotFoundError } from '../storage/errors';

/**
 * A refresh was asked for a token younger than 24 hours, which Instagram
 * refuses ("Refresh a long-lived token": at least 24 hours old).
 */
export class RefreshTooEarlyError extends Error {
  override readonly name = 'RefreshTooEarlyError';

  constructor(
    readonly userId: string,
    /** Clock time (ms) from which Instagram accepts a refresh. */
    readonly allowedFrom: number,
  ) {
    super(
      'This token is less than 24 hours old and Instagram does not allow ' +
        `refreshing it yet. Try again after ${readableTime(allowedFrom)}.`,
    );
  }
}

/** "5 Dec 2026, 16:46" in the computer's time zone, for messages. */
function readableTime(time: number): string {
  return new Date(time).toLocaleString('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}
