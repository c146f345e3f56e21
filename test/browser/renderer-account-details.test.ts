import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { rendererSuite, SANDBOX_SHOP, shown } from '../support/renderer-suite';

const open = rendererSuite();
const COMMENTS = 'instagram_business_manage_comments';

describe('an account card', () => {
  it('names the scopes Instagram did not grant and asks again on Reconnect', async () => {
    // Only the data-array answer lists the granted permissions.
    const app = await open({ services: { sandboxTokenShape: 'data-array' } });
    app.services.saveSettings({
      scopes: ['instagram_business_basic', COMMENTS],
    });
    await app.page.reload();

    await app.page.getByRole('button', { name: 'Connect Instagram' }).click();
    const consent = await app.nextBrowserPage();
    await consent.locator(`input[value="${COMMENTS}"]`).uncheck();
    await consent.getByRole('button', { name: 'Allow' }).click();

    const card = app.page.getByRole('listitem', {
      name: `@${SANDBOX_SHOP.username}`,
    });
    await shown(card.getByText('Not granted'));
    expect(await card.textContent()).toContain('Manage comments');

    await card.getByRole('button', { name: 'Reconnect' }).click();
    const again = await app.nextBrowserPage();
    expect(again.url()).toContain('force_reauth=true');
  });

  it('offers no refresh for a token younger than a day, and says when', async () => {
    const app = await open();

    await app.page.getByRole('button', { name: 'Connect Instagram' }).click();
    const consent = await app.nextBrowserPage();
    await consent.getByRole('button', { name: 'Allow' }).click();

    const refresh = app.page.getByRole('button', { name: 'Refresh now' });
    await shown(refresh);
    expect(await refresh.isDisabled()).toBe(true);
    await shown(app.page.getByText(/allows a refresh once the token is a day/));
  });
});

describe('the settings screen', () => {
  it('warns that Instagram refuses a loopback redirect URI', async () => {
    const app = await open();

    await app.page.getByRole('button', { name: 'Settings' }).click();
    await app.page.getByRole('radio', { name: /^Instagram/ }).check();

    await shown(app.page.getByText(/only accepts HTTPS redirect URIs/));
  });
});

describe('a saved account that cannot be read', () => {
  it('is named in a banner instead of vanishing from the list', async () => {
    const app = await open({
      prepareDataDir: async (dataDir) => {
        const record = { userId: '17841400000000009', username: 123 };
        await writeFile(
          join(dataDir, 'instalink.json'),
          JSON.stringify({
            schemaVersion: 1,
            accounts: { [record.userId]: record },
          }),
        );
      },
    });

    const banner = app.page.getByRole('region', {
      name: 'Account cannot be read',
    });
    await shown(banner);
    expect(await banner.textContent()).toContain('17841400000000009');
  });
});
