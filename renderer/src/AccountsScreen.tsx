/**
 * The accounts screen: store notices, token notices, the connect panel or
 * the last outcome, and the linked accounts (or what to do when none).
 */
import { useState } from 'react';

import type {
  AccountSummary,
  SettingsView,
  StoreNotice,
} from '../../electron/ipc/contract';
import { AccountCard } from './AccountCard';
import { call, messageOf } from './api';
import { ConfirmDialog } from './ConfirmDialog';
import { ConnectPanel } from './ConnectPanel';
import {
  formatDay,
  MINUTE,
  needsTokenNotice,
  reconnectReasonWords,
} from './format';
import { type AppData, type ConnectState, useNow } from './hooks';
import { OutcomeNotice } from './OutcomeNotice';

/** The shared data, the connect state and the way to Settings. */
export interface AccountsScreenProps {
  data: AppData;
  connect: ConnectState;
  onOpenSettings: () => void;
}

/** The window's first screen. */
export function AccountsScreen({
  data,
  connect,
  onOpenSettings,
}: AccountsScreenProps) {
  const now = useNow(MINUTE);
  const [leaving, setLeaving] = useState<AccountSummary>();
  const [actionError, setActionError] = useState<string>();
  const flowRunning =
    data.progress.phase === 'waiting' || data.progress.phase === 'exchanging';

  const disconnect = (account: AccountSummary) => {
    setLeaving(undefined);
    setActionError(undefined);
    call('accounts:disconnect', { userId: account.userId }).catch(
      (failure: unknown) => setActionError(messageOf(failure)),
    );
  };

  return (
    <>
      <div className="screen-header">
        <h1>Linked accounts</h1>
        <button
          type="button"
          className="primary"
          onClick={() => connect.start(false)}
        >
          {flowRunning ? 'Start again' : 'Connect Instagram'}
        </button>
      </div>
      <StoreNotices notices={data.notices} />
      <TokenNotices accounts={data.accounts ?? []} now={now} />
      {flowRunning && <ConnectPanel progress={data.progress} />}
      {!flowRunning && connect.outcome && (
        <OutcomeNotice
          outcome={connect.outcome}
          onOpenSettings={onOpenSettings}
          onDismiss={connect.dismiss}
        />
      )}
      <p className="inline-error" role="alert">
        {connect.error ?? actionError}
      </p>
      <AccountList
        data={data}
        now={now}
        onReconnect={() => connect.start(true)}
        onDisconnect={setLeaving}
        onOpenSettings={onOpenSettings}
      />
      {leaving && (
        <DisconnectDialog
          account={leaving}
          onConfirm={() => disconnect(leaving)}
          onCancel={() => setLeaving(undefined)}
        />
      )}
    </>
  );
}

const NOTICE_LABELS: Record<StoreNotice['kind'], string> = {
  'store-recovered': 'Data file recovered',
  'account-unreadable': 'Account cannot be read',
};

// Each message already names the file it concerns; it is shown whole.
function StoreNotices({ notices }: { notices: StoreNotice[] }) {
  return notices.map((notice) => (
    <section
      key={`${notice.kind} ${notice.userId ?? notice.movedTo}`}
      className="banner warning"
      aria-label={NOTICE_LABELS[notice.kind]}
    >
      <p>{notice.message}</p>
    </section>
  ));
}

function TokenNotices(props: { accounts: AccountSummary[]; now: number }) {
  const due = props.accounts.filter((a) => needsTokenNotice(a, props.now));
  if (due.length === 0) {
    return null;
  }

  return (
    <section className="banner warning" aria-label="Access ending">
      <ul className="plain">
        {due.map((account) => (
          <li key={account.userId}>{tokenNotice(account, props.now)}</li>
        ))}
      </ul>
    </section>
  );
}

function tokenNotice(account: AccountSummary, now: number): string {
  const who = `@${account.username}`;

  return account.status === 'reconnect-needed'
    ? `${who} needs reconnecting: ` +
        `${reconnectReasonWords(account.reconnectReason)}. Press Reconnect.`
    : `${who}’s access ends on ${formatDay(account.tokenExpiresAt, now)}. ` +
        'Press Refresh now, or Reconnect if that fails.';
}

interface AccountListProps {
  data: AppData;
  now: number;
  onReconnect: () => void;
  onDisconnect: (account: AccountSummary) => void;
  onOpenSettings: () => void;
}

function AccountList({ data, now, ...actions }: AccountListProps) {
  // The empty state depends on the settings too: wait for both, so it
  // does not switch from one message to the other while loading.
  const empty = data.accounts?.length === 0;
  if (data.accounts === undefined || (empty && !data.settingsView)) {
    return <div className="card placeholder" aria-busy="true" />;
  }
  if (empty && data.settingsView) {
    return (
      <EmptyState
        view={data.settingsView}
        onOpenSettings={actions.onOpenSettings}
      />
    );
  }

  return (
    <ul className="cards" aria-label="Accounts">
      {data.accounts.map((account) => (
        <AccountCard
          key={account.userId}
          account={account}
          now={now}
          requestedScopes={data.settingsView?.settings.scopes ?? []}
          onReconnect={actions.onReconnect}
          onDisconnect={() => actions.onDisconnect(account)}
        />
      ))}
    </ul>
  );
}

function EmptyState(props: { view: SettingsView; onOpenSettings: () => void }) {
  if (needsCredentials(props.view)) {
    return (
      <div className="empty">
        <h2>Set up your Instagram app first</h2>
        <p>
          Instalink talks to Instagram, but your Instagram App ID or App Secret
          is missing. Enter them in Settings, then press Connect Instagram.
        </p>
        <button type="button" onClick={props.onOpenSettings}>
          Open Settings
        </button>
      </div>
    );
  }

  return (
    <div className="empty">
      <h2>No account linked yet</h2>
      <p>
        Press Connect Instagram. Your browser opens Instagram’s sign-in page;
        allow Instalink there and the account appears here.
      </p>
    </div>
  );
}

function needsCredentials(view: SettingsView): boolean {
  return (
    view.settings.provider === 'instagram' &&
    (!view.settings.appId || !view.appSecretSet)
  );
}

function DisconnectDialog(props: {
  account: AccountSummary;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <ConfirmDialog
      title={`Disconnect @${props.account.username}?`}
      confirmLabel="Disconnect"
      onConfirm={props.onConfirm}
      onCancel={props.onCancel}
    >
      <p>Instalink deletes this account and its token from this computer.</p>
      <p>
        Instagram has no way for an app to revoke its own access, so Instalink
        stays listed on Instagram until you remove it there: in the Instagram
        app or website, open Settings → Website permissions → Apps and websites,
        and remove Instalink.
      </p>
    </ConfirmDialog>
  );
}
