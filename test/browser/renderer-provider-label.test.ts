import { afterEach, describe, expect, it } from 'vitest';

import { type Sandbox, startSandbox } from '../../electron/sandbox/server';
import {
  linkShop,
  rendererSuite,
  SANDBOX_SHOP,
  shown,
} from '../support/renderer-suite';

const open = rendererSuite();
/** Settings take only a decimal App ID, as Meta issues them. */
const LOOKALIKE_APP_ID = '990011223344';

let lookalike: Sandbox | undefined;

afterEach(async () => {
  await lookalike?.close();
  lookalike = undefined;
});

describe("an account card's provider", () => {
  it('labels an account linked through the sandbox "Sandbox"', async () => {
    const app = await open();

    await linkShop(app);

    const card = app.page.getByRole('listitem', {
      name: `@${SANDBOX_SHOP.username}`,
    });
    await shown(card.getByText('Sandbox', { exact: true }));
  });

  it('shows no sandbox label on an account linked through Instagram', async () => {
    // A second sandbox on 127.0.0.1 plays Instagram.
    lookalike = await startSandbox({
      clock: { now: () => Date.now() },
      appId: LOOKALIKE_APP_ID,
    });
    const app = await open({
      services: { instagramEndpoints: lookalike.endpoints },
    });
    app.services.saveSettings({
      provider: 'instagram',
      appId: LOOKALIKE_APP_ID,
      appSecret: lookalike.appSecret,
    });

    const outcome = app.services.startConnect();
    const consent = await app.nextBrowserPage();
    await consent.getByRole('button', { name: 'Allow' }).click();
    expect((await outcome).kind).toBe('linked');

    const card = app.page.getByRole('listitem', {
      name: `@${SANDBOX_SHOP.username}`,
    });
    await shown(card);
    expect(await card.getByText('Sandbox', { exact: true }).count()).toBe(0);
  });
});
