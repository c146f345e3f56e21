/**
 * One linked account: who it is, what it may do, how its token stands,
 * and the three things a person can do about it.
 */
import { useState } from 'react';

import type { AccountSummary } from '../../electron/ipc/contract';
import { call, messageOf } from './api';
import {
  accountTypeWords,
  formatCount,
  initialsOf,
  scopeWords,
  tokenStatusWords,
} from './format';

/** The account, the time for ages, and the actions the screen owns. */
export interface AccountCardProps {
  account: AccountSummary;
  now: number;
  onReconnect: () => void;
  onDisconnect: () => void;
}

/** A list item of the accounts screen. */
export function AccountCard({
  account,
  now,
  onReconnect,
  onDisconnect,
}: AccountCardProps) {
  const refresh = useRefresh(account.userId);
  const needsReconnect = account.status === 'reconnect-needed';

  return (
    <li className="card" aria-labelledby={`account-${account.userId}`}>
      <Avatar account={account} />
      <div className="card-body">
        <h2 id={`account-${account.userId}`} className="username">
          @{account.username}
        </h2>
        <p className="muted">
          {[account.name, accountTypeWords(account.accountType)]
            .filter(Boolean)
            .join(' · ') || 'Instagram account'}
        </p>
        <dl className="facts">
          <dt>Followers</dt>
          <dd>{formatCount(account.followersCount)}</dd>
          <dt>Permissions</dt>
          <dd>{account.scopes.map(scopeWords).join(', ') || 'none'}</dd>
          <dt>Access</dt>
          <dd className={needsReconnect ? 'warning-text' : undefined}>
            {tokenStatusWords(account, now)}
          </dd>
        </dl>
        <div className="actions">
          <button type="button" onClick={refresh.run} disabled={refresh.busy}>
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
        <p className="inline-error" role="alert">
          {refresh.error}
        </p>
      </div>
    </li>
  );
}

function Avatar({ account }: { account: AccountSummary }) {
  return account.avatarDataUrl ? (
    <img className="avatar" src={account.avatarDataUrl} alt="" />
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
