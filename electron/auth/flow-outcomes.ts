import { type FlowOutcome, type FlowOutcomeKind } from '../core/types';
import { describeInstagramError, InstagramError } from '../instagram/errors';
import {
  AppSecretMissingError,
  AppSecretUnreadableError,
  SecretStorageRefusedError,
} from '../storage/errors';
import { PortTakenError } from './loopback-server';

/** Thrown by a provider resolver when credentials are missing. */
export class NotConfiguredError extends Error {
  override readonly name = 'NotConfiguredError';
}

/** Builds an outcome; the one place outcome objects are made. */
export function outcome(kind: FlowOutcomeKind, message: string): FlowOutcome {
  return { kind, message };
}

/** "5 minutes", "1 minute" or "30 seconds", for messages. */
export function describeDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;

  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** Fixed wording for the outcomes that carry no detail of their own. */
export const OUTCOME_MESSAGES = {
  refused:
    'You declined the request on Instagram, so nothing was linked. ' +
    'Press Connect to try again.',
  providerError: (description: string): string =>
    `Instagram could not complete the sign-in${description}. Nothing was ` +
    'linked; press Connect to try again.',
  noCode:
    'Instagram sent the browser back without an authorization code. ' +
    'Nothing was linked; press Connect to try again.',
  cancelled: 'Connecting was cancelled. Nothing was linked.',
  superseded:
    'A new connection was started, so the previous one was cancelled.',
  timedOut: (waited: string): string =>
    `Nothing came back from the browser within ${waited}. ` +
    'Nothing was linked; press Connect to try again.',
  unexpected:
    'Something went wrong while linking the account; nothing was saved. ' +
    'The log file in the data folder has the details.',
} as const;

/**
 * Turns whatever stopped a flow into the outcome the user reads. A stalled
 * Instagram counts as a time-out: the client's documented bound ran out.
 */
export function outcomeForError(error: unknown): FlowOutcome {
  if (error instanceof PortTakenError) {
    return outcome('port-taken', error.message);
  }
  if (
    error instanceof NotConfiguredError ||
    error instanceof AppSecretMissingError ||
    error instanceof AppSecretUnreadableError
  ) {
    return outcome('not-configured', error.message);
  }
  if (error instanceof SecretStorageRefusedError) {
    return outcome('storage-refused', error.message);
  }
  if (error instanceof InstagramError) {
    const kind = error.kind === 'timeout' ? 'timed-out' : 'exchange-failed';
    return outcome(kind, describeInstagramError(error));
  }

  return outcome('exchange-failed', OUTCOME_MESSAGES.unexpected);
}

/**
 * The outcome of a callback that carries no code. Only `access_denied` is
 * the user's refusal (RFC 6749 section 4.1.2.1); any other error is the
 * provider's, reported with its own description, shortened and cleaned.
 */
export function outcomeForCallbackError(
  error: string | undefined,
  description: string | undefined,
): FlowOutcome {
  if (error === 'access_denied') {
    return outcome('refused', OUTCOME_MESSAGES.refused);
  }
  if (!error) return outcome('exchange-failed', OUTCOME_MESSAGES.noCode);

  const text = (description ?? error)
    .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
    .trim()
    .slice(0, 200);
  const detail = text ? ` ("${text}")` : '';
  return outcome('exchange-failed', OUTCOME_MESSAGES.providerError(detail));
}
