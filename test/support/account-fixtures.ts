import { type AccountSummary } from '../../electron/core/types';

/** A minimal sandbox account summary, as the store would list it. */
export const SANDBOX_SHOP_SUMMARY: AccountSummary = Object.freeze({
  userId: '17841400000000001',
  username: 'sandbox_shop',
  scopes: ['instagram_business_basic'],
  linkedAt: 1,
  tokenIssuedAt: 1,
  tokenExpiresAt: 2,
  status: 'active',
  provider: 'sandbox',
});
