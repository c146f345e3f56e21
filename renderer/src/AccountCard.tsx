/**
 * One linked account: who it is, what it may do, how its token stands,
 * and the three things a person can do about it.
 */
import { useId, useState } from 'react';

import type { AccountSummary } from '../../electron/ipc/contract';
import { call, messageOf } from './api';
import {
  accountTypeWords,
  formatCount,
  formatDay,
  formatTimeOfDay,
  initialsOf,
  MIN_REFRESH_AGE_MS,
  scopeWords,
  tokenStatusWords,
} from './format';

/** The account, the time for ages, and the actions the screen owns. */
export interface AccountCardProps {
  account: AccountSummary;
  now: number;
  /** The scopes Settings asks for; any not granted offers a re-consent. */
  requestedScopes: readonly string[];
  onReconnect: () => void;
  onDisconnect: () => void;
}

/** A list item of the accounts screen. */
export function AccountCard({
  account,
  now,
  requestedScopes,
  onReconnect,
  onDisconnect,
}: AccountCardProps) {
  const refresh = useRefresh(account.userId);
  const refreshHintId = useId();
  const refreshableFrom = account.tokenIssuedAt + MIN_REFRESH_AGE_MS;
  const tooEarly = now < refreshableFrom;
  const missingScopes = requestedScopes.filter(
    (scope) => !account.scopes.includes(scope),
  );
  const needsReconnect =
    account.status === 'reconnect-needed' || missingScopes.length > 0;

  return (
    <li className="card" aria-labelledby={`account-${account.userId}`}>
      <Avatar account={account} />
      <div className="card-body">
        <h2 id={`account-${account.userId}`} className="username">
          @{account.username}
        </h2>
        <p className="muted">
          {account.provider === 'sandbox' && <SandboxLabel />}
          {[account.name, accountTypeWords(account.accountType)]
            .filter(Boolean)
            .join(' · ') || 'Instagram account'}
        </p>
        <dl className="facts">
          <dt>Followers</dt>
          <dd>{formatCount(account.followersCount)}</dd>
          <dt>Permissions</dt>
          <dd>{account.scopes.map(scopeWords).join(', ') || 'none'}</dd>
          {missingScopes.length > 0 && (
            <>
              <dt>Not granted</dt>
              <dd className="warning-text">
                {missingScopes.map(scopeWords).join(', ')}. Press Reconnect to
                ask Instagram again.
              </dd>
            </>
          )}
          <dt>Access</dt>
          <dd
            className={
              account.status === 'reconnect-needed' ? 'warning-text' : undefined
            }
          >
            {tokenStatusWords(account, now)}
          </dd>
        </dl>
        <div className="actions">
          <button
            type="button"
            onClick={refresh.run}
            disabled={
              refresh.busy || tooEarly || account.status === 'reconnect-needed'
            }
            aria-describedby={tooEarly ? refreshHintId : undefined}
          >
            {refresh.busy ? 'Refreshing…' : 'Refresh now'}
          </button>
          <button
            type="button"
            className={needsReconnect ? 'primary' : undefined}
            onClick={onReconnect}
          >
            Reconnect
          </button>
          <button type="button" className="danger" onClick={onDisconnect}>
            Disconnect
          </button>
        </div>
        {tooEarly && (
          <p id={refreshHintId} className="muted">
            Instagram allows a refresh once the token is a day old: from{' '}
            {formatDay(refreshableFrom, now)},{' '}
            {formatTimeOfDay(refreshableFrom)}.
          </p>
        )}
        <p className="inline-error" role="alert">
          {refresh.error}
        </p>
      </div>
    </li>
  );
}

/**
 * Marks an account the offline sandbox linked, so a tester never takes it
 * for a real one. Its refreshes go to the sandbox whatever Settings say.
 */
function SandboxLabel() {
  return (
    <>
      <strong title="Linked through the offline sandbox, not Instagram">
        Sandbox
      </strong>
      {' · '}
    </>
  );
}

function Avatar({ account }: { account: AccountSummary }) {
  return account.avatarDataUrl ? (
    <img
      className="avatar"
      src={account.avatarDataUrl}
      alt=""
      decoding="async"
      loading="lazy"
    />
  ) : (
    <span className="avatar initials" aria-hidden="true">
      {initialsOf(account)}
    </span>
  );
}

function useRefresh(userId: string) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const run = () => {
    setBusy(true);
    setError(undefined);
    call('accounts:refresh', { userId })
      .catch((failure: unknown) => setError(messageOf(failure)))
      .finally(() => setBusy(false));
  };

  return { busy, error, run };
}
