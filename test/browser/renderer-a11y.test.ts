import AxeBuilder from '@axe-core/playwright';
import { type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { linkShop, rendererSuite, shown } from '../support/renderer-suite';

const openApp = rendererSuite();

/** The app window in the given colour scheme, light by default. */
function open(colorScheme: 'light' | 'dark' = 'light') {
  return openApp({ colorScheme });
}

/** The rule ids axe reports, with the first offending node of each. */
async function axeViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();

  return violations.map(
    (violation) =>
      `${violation.id}: ${violation.nodes[0]?.target.join(' ') ?? ''}`,
  );
}

describe.each(['light', 'dark'] as const)('the %s theme', (scheme) => {
  const suffix = scheme === 'light' ? '' : '-dark';

  it('has no axe violations on the empty accounts screen', async () => {
    const app = await open(scheme);
    await shown(
      app.page.getByRole('heading', { name: 'No account linked yet' }),
    );

    await app.screenshot(`accounts-empty${suffix}`);
    expect(await axeViolations(app.page)).toEqual([]);
  });

  it('has no axe violations on the accounts screen with an account', async () => {
    const app = await open(scheme);
    await linkShop(app);

    await app.screenshot(`accounts${suffix}`, { docs: true });
    expect(await axeViolations(app.page)).toEqual([]);
  });

  it('has no axe violations on the connect panel', async () => {
    const app = await open(scheme);
    await app.page.getByRole('button', { name: 'Connect Instagram' }).click();
    await shown(
      app.page.getByRole('heading', { name: 'Finish in your browser' }),
    );

    await app.screenshot(`connect${suffix}`, { docs: true });
    expect(await axeViolations(app.page)).toEqual([]);
  });

  it('has no axe violations in the disconnect dialog', async () => {
    const app = await open(scheme);
    await linkShop(app);
    await app.page.getByRole('button', { name: 'Disconnect' }).click();
    await shown(app.page.getByRole('dialog'));

    await app.screenshot(`disconnect${suffix}`);
    expect(await axeViolations(app.page)).toEqual([]);
  });

  it('has no axe violations on the settings screen', async () => {
    const app = await open(scheme);
    await app.page.getByRole('button', { name: 'Settings' }).click();
    await shown(app.page.getByRole('heading', { name: 'Settings' }));

    await app.screenshot(`settings${suffix}`, { docs: true });
    expect(await axeViolations(app.page)).toEqual([]);
  });
});

describe('keyboard and zoom', () => {
  it('reaches the settings screen with the keyboard alone', async () => {
    const app = await open();
    await shown(app.page.getByRole('heading', { name: 'Linked accounts' }));

    let focused = '';
    for (let step = 0; step < 5 && focused !== 'Settings'; step += 1) {
      await app.page.keyboard.press('Tab');
      focused = await app.page.evaluate(
        'document.activeElement?.textContent ?? ""',
      );
    }
    await app.page.keyboard.press('Enter');

    await shown(app.page.getByRole('heading', { name: 'Settings' }));
  });

  it('needs no sideways scrolling at 200% zoom', async () => {
    const app = await open();
    // A 1280-pixel window at 200% zoom lays out 640 CSS pixels.
    await app.page.setViewportSize({ width: 640, height: 800 });
    await app.page.getByRole('button', { name: 'Settings' }).click();
    await shown(app.page.getByRole('heading', { name: 'Settings' }));

    const overflow = await app.page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );

    expect(overflow).toBe(0);
  });
});
