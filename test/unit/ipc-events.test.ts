import { describe, expect, it } from 'vitest';

import { silentLogger } from '../../electron/core/logger';
import {
  type AccountSummary,
  type FlowProgress,
  type InstalinkServices,
} from '../../electron/core/types';
import { forwardServiceEvents } from '../../electron/ipc/events';

const ACCOUNT: AccountSummary = {
  userId: '17841400000000001',
  username: 'sandbox_shop',
  scopes: [],
  linkedAt: 1,
  tokenIssuedAt: 1,
  tokenExpiresAt: 2,
  status: 'active',
  provider: 'sandbox',
};

/** Services whose two events the test fires by hand. */
function eventfulServices(accounts: unknown[]) {
  const accountListeners = new Set<() => void>();
  const progressListeners = new Set<(p: FlowProgress) => void>();
  const services = {
    listAccounts: () => accounts,
    onAccountsChanged: (listener: () => void) => {
      accountListeners.add(listener);
      return () => accountListeners.delete(listener);
    },
    onFlowProgress: (listener: (p: FlowProgress) => void) => {
      progressListeners.add(listener);
      return () => progressListeners.delete(listener);
    },
  } as unknown as InstalinkServices;

  return {
    services,
    changeAccounts: () => accountListeners.forEach((l) => l()),
    progress: (p: FlowProgress) => progressListeners.forEach((l) => l(p)),
  };
}

describe('forwardServiceEvents', () => {
  it('sends the account list, without fields the contract does not name', () => {
    const leaky = { ...ACCOUNT, encryptedToken: 'abc', accessToken: 'IGQV' };
    const fake = eventfulServices([leaky]);
    const sent: unknown[] = [];

    forwardServiceEvents(
      fake.services,
      (e, p) => sent.push([e, p]),
      silentLogger,
    );
    fake.changeAccounts();

    expect(sent).toEqual([['accounts:changed', [ACCOUNT]]]);
  });

  it('sends flow progress as it happens', () => {
    const fake = eventfulServices([]);
    const sent: unknown[] = [];
    const progress: FlowProgress = {
      phase: 'waiting',
      authorizeUrl: 'http://127.0.0.1:1/oauth/authorize?state=s',
      deadline: 5,
    };

    forwardServiceEvents(
      fake.services,
      (e, p) => sent.push([e, p]),
      silentLogger,
    );
    fake.progress(progress);

    expect(sent).toEqual([['connect:progress-changed', progress]]);
  });

  it('sends nothing after it is stopped', () => {
    const fake = eventfulServices([ACCOUNT]);
    const sent: unknown[] = [];

    const stop = forwardServiceEvents(
      fake.services,
      (e, p) => sent.push([e, p]),
      silentLogger,
    );
    stop();
    fake.changeAccounts();
    fake.progress({ phase: 'idle' });

    expect(sent).toEqual([]);
  });

  it('keeps the emitting service running when the window is gone', () => {
    const fake = eventfulServices([ACCOUNT]);

    forwardServiceEvents(
      fake.services,
      () => {
        throw new Error('Object has been destroyed');
      },
      silentLogger,
    );

    expect(() => fake.changeAccounts()).not.toThrow();
  });
});
