import { describe, expect, it } from 'vitest';

import { eventSchemas, invokeSchemas } from '../../electron/ipc/contract';
import { SANDBOX_SHOP_SUMMARY } from '../support/account-fixtures';

const SANDBOX_ACCOUNT = SANDBOX_SHOP_SUMMARY;

describe("the IPC contract's account", () => {
  it('carries the provider that linked the account', () => {
    const listed = invokeSchemas['accounts:list'].result.parse([
      SANDBOX_ACCOUNT,
    ]);
    const refreshed =
      invokeSchemas['accounts:refresh'].result.parse(SANDBOX_ACCOUNT);

    expect(listed[0]?.provider).toBe('sandbox');
    expect(refreshed.provider).toBe('sandbox');
  });

  it('carries the provider in the accounts-changed event', () => {
    const changed = eventSchemas['accounts:changed'].parse([SANDBOX_ACCOUNT]);

    expect(changed[0]?.provider).toBe('sandbox');
  });

  it('carries the provider of a linked outcome', () => {
    const outcome = invokeSchemas['connect:start'].result.parse({
      kind: 'linked',
      message: '@sandbox_shop is linked.',
      account: SANDBOX_ACCOUNT,
    });

    expect(outcome.account?.provider).toBe('sandbox');
  });

  it('refuses an account whose provider is unknown', () => {
    const result = invokeSchemas['accounts:refresh'].result.safeParse({
      ...SANDBOX_ACCOUNT,
      provider: 'facebook',
    });

    expect(result.success).toBe(false);
  });
});
