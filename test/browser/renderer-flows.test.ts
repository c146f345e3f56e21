import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { OUTCOME_MESSAGES } from '../../electron/auth/flow-outcomes';
import { DAY_MS as DAY } from '../../electron/core/time';
import {
  connectThroughSandbox,
  linkShop,
  rendererSuite,
  SANDBOX_SHOP as SHOP,
  shown,
} from '../support/renderer-suite';
import { createTestCipher } from '../support/test-cipher';

const open = rendererSuite();

describe('connecting from the window', () => {
  it('shows the account after the user allows access in the browser', async () => {
    const app = await open();

    await connectThroughSandbox(app, 'Allow');

    await shown(app.page.getByRole('heading', { name: 'Account linked' }));
    await shown(app.page.getByRole('heading', { name: `@${SHOP.username}` }));
    expect(await app.page.getByText('Valid until').count()).toBe(1);
  });

  it('shows the refusal in words when the user denies access', async () => {
    const app = await open();

    await connectThroughSandbox(app, 'Deny');

    await shown(
      app.page.getByRole('heading', {
        name: 'Access was refused on Instagram',
      }),
    );
    await shown(app.page.getByText(OUTCOME_MESSAGES.refused));
    expect(app.services.listAccounts()).toEqual([]);
  });

  it('links the account from a pasted final address ending in #_', async () => {
    const app = await open();
    await app.page.getByRole('button', { name: 'Connect Instagram' }).click();
    const consentPage = await app.nextBrowserPage();
    const redirect = await app.services
      .sandbox()!
      .answerConsent(consentPage.url());

    await app.page
      .getByLabel('Paste the final address or the code')
      .fill(`${redirect}#_`);
    await app.page.getByRole('button', { name: 'Submit' }).click();

    await shown(app.page.getByRole('heading', { name: `@${SHOP.username}` }));
  });

  it('ends the flow when Cancel is pressed and says so', async () => {
    const app = await open();
    await app.page.getByRole('button', { name: 'Connect Instagram' }).click();
    await shown(app.page.getByText(/^Time left: \d+:\d\d$/));

    await app.page.getByRole('button', { name: 'Cancel' }).click();

    await shown(
      app.page.getByRole('heading', { name: 'Connecting was cancelled' }),
    );
    expect(app.services.flowProgress().phase).not.toBe('waiting');
  });
});

describe('disconnecting from the window', () => {
  it('removes the account from the store file after confirmation', async () => {
    const app = await open();
    await linkShop(app);
    expect(await app.storeText()).toContain(SHOP.userId);

    await app.page.getByRole('button', { name: 'Disconnect' }).click();
    const dialog = app.page.getByRole('dialog');
    await shown(dialog.getByText('Apps and websites', { exact: false }));
    await dialog.getByRole('button', { name: 'Disconnect' }).click();

    await shown(
      app.page.getByRole('heading', { name: 'No account linked yet' }),
    );
    expect(await app.storeText()).not.toContain(SHOP.userId);
  });

  it('keeps the account when the dialog is closed with Escape', async () => {
    const app = await open();
    await linkShop(app);
    await app.page.getByRole('button', { name: 'Disconnect' }).click();
    await shown(app.page.getByRole('dialog'));

    await app.page.keyboard.press('Escape');

    await app.page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(app.services.listAccounts().map((a) => a.userId)).toEqual([
      SHOP.userId,
    ]);
  });

  it('keeps the focus inside the dialog while it is open', async () => {
    const app = await open();
    await linkShop(app);
    await app.page.getByRole('button', { name: 'Disconnect' }).click();
    await shown(app.page.getByRole('dialog'));

    const insideAfterEachTab: boolean[] = [];
    for (let step = 0; step < 6; step += 1) {
      await app.page.keyboard.press('Tab');
      insideAfterEachTab.push(
        await app.page.evaluate(
          'document.querySelector("dialog").contains(document.activeElement)',
        ),
      );
    }

    expect(insideAfterEachTab).not.toContain(false);
  });
});

describe('settings in the window', () => {
  it('shows the port error inline and saves nothing', async () => {
    const app = await open();
    const savedPort = app.services.getSettings().settings.port;
    await app.page.getByRole('button', { name: 'Settings' }).click();

    const port = app.page.getByLabel('Port');
    await port.fill('80');
    await app.page.getByRole('button', { name: 'Save' }).click();

    await shown(app.page.getByText('Choose a port from 1024 to 65535.'));
    expect(await port.getAttribute('aria-invalid')).toBe('true');
    expect(app.services.getSettings().settings.port).toBe(savedPort);
  });

  it('saves the App Secret and shows it only as set', async () => {
    const app = await open();
    await app.page.getByRole('button', { name: 'Settings' }).click();

    await app.page.getByLabel('App Secret').fill('a-secret-typed-in-the-form');
    await app.page.getByRole('button', { name: 'Save' }).click();

    await shown(app.page.getByText('Settings saved.'));
    expect(app.services.getSettings().appSecretSet).toBe(true);
    expect(await app.page.getByLabel('App Secret').inputValue()).toBe('');
    expect(await app.page.content()).not.toContain('a-secret-typed-in');
  });
});

describe('what the accounts screen warns about', () => {
  it('says the store file was moved aside and where it is', async () => {
    const app = await open({
      prepareDataDir: (dataDir) =>
        copyFile(
          'test/fixtures/store-truncated.json',
          join(dataDir, 'instalink.json'),
        ),
    });

    const banner = app.page.getByRole('region', {
      name: 'Data file recovered',
    });

    await shown(banner);
    expect(await banner.textContent()).toContain(app.dataDir);
  });

  it('warns about an account whose access ends within a week', async () => {
    // Linked 55 days ago by the services' clock: 5 of 60 days remain.
    const app = await open({
      services: { clock: { now: () => Date.now() - 55 * DAY } },
    });

    await linkShop(app);

    const notice = app.page.getByRole('region', { name: 'Access ending' });
    await shown(notice);
    expect(await notice.textContent()).toContain('@sandbox_shop’s access ends');
  });

  it('points to Settings when Instagram is chosen without credentials', async () => {
    const app = await open();
    app.services.saveSettings({ provider: 'instagram' });
    await app.page.reload();

    await shown(
      app.page.getByRole('heading', {
        name: 'Set up your Instagram app first',
      }),
    );
    await app.page.getByRole('button', { name: 'Open Settings' }).click();

    await shown(app.page.getByRole('heading', { name: 'Settings' }));
  });
});

describe('secrets without a keyring', () => {
  it('saves the App Secret only after the user consents', async () => {
    const app = await open({
      services: { cipher: createTestCipher({ strong: false }) },
    });
    await app.page.getByRole('button', { name: 'Settings' }).click();
    await shown(app.page.getByText('This computer has no system keyring'));

    await app.page.getByLabel('App Secret').fill('weakly-stored-secret');
    await app.page.getByRole('button', { name: 'Save' }).click();
    await shown(app.page.getByText(/^Nothing was saved\./));
    expect(app.services.getSettings().appSecretSet).toBe(false);

    await app.page.getByLabel('Store secrets without a keyring').check();
    await app.page.getByRole('button', { name: 'Save' }).click();
    await shown(app.page.getByText('Settings saved.'));
    expect(app.services.getSettings().appSecretSet).toBe(true);
  });
});
