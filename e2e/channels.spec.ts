import type { Page } from '@playwright/test';
import { expect, storageStateOf, test } from './fixtures';

/** A channel's level, as its segmented control sets it: a radio group named by the channel, a radio by each level. */
const levels = (page: Page, channel: string) => page.getByRole('radiogroup', { name: `${channel} level` });
const setLevel = (page: Page, channel: string, level: string) => levels(page, channel).getByRole('radio', { name: level }).check({ force: true });
const stateOf = (page: Page, channel: string) => page.getByText(new RegExp(`^${channel}: `));

test.describe('channel levels', () => {
  test.use({ storageState: storageStateOf('admin') });

  test('a segmented control sets a level; a sub-channel follows its main channel', async ({ page }) => {
    await page.goto('/profiles/new?role=campaign-manager');
    await expect(levels(page, 'Messaging').getByRole('radio', { name: 'View only' })).toBeChecked();
    await expect(stateOf(page, 'WhatsApp')).toHaveText('WhatsApp: follows Messaging (View only)');
    await expect(levels(page, 'WhatsApp').getByRole('radio', { name: 'Follow Messaging' })).toBeChecked();

    await setLevel(page, 'Messaging', 'Manage conversations');
    await expect(stateOf(page, 'Messaging')).toHaveText('Messaging: Manage conversations');
    await expect(stateOf(page, 'WhatsApp')).toHaveText('WhatsApp: follows Messaging (Manage conversations)');
    await setLevel(page, 'Messaging', 'No access');
    await expect(stateOf(page, 'Telegram')).toHaveText('Telegram: follows Messaging (No access)');

    // A sub-channel that sets its own level stops following.
    await setLevel(page, 'WhatsApp', 'Manage settings');
    await expect(stateOf(page, 'WhatsApp')).toHaveText('WhatsApp: Manage settings');
    await setLevel(page, 'Messaging', 'View only');
    await expect(stateOf(page, 'WhatsApp')).toHaveText('WhatsApp: Manage settings');
    await expect(stateOf(page, 'Viber')).toHaveText('Viber: follows Messaging (View only)');

    // Saved, the levels reach the profile.
    await page.getByLabel('Name', { exact: true }).fill('Campaigns on WhatsApp');
    await page.getByRole('button', { name: 'Save and apply' }).click();
    const preview = page.getByRole('alertdialog', { name: 'Impact preview' });
    await expect(preview.getByRole('listitem').filter({ hasText: 'WhatsApp: No access → Manage settings' })).toBeVisible();
    await preview.getByRole('button', { name: /^Confirm/ }).click();
    await expect(page.getByText('Profile created.')).toBeVisible();
    await expect(stateOf(page, 'WhatsApp')).toHaveText('WhatsApp: Manage settings');
  });
});

test.describe('an agent manager', () => {
  test.use({ storageState: storageStateOf('manager') });

  test('is not offered a level above his own', async ({ page }) => {
    await page.goto('/profiles/new?role=agent');
    await expect(levels(page, 'Email').getByRole('radio', { name: 'Manage settings (above your own level)' })).toBeDisabled();
    await expect(levels(page, 'Email').getByRole('radio', { name: 'Manage conversations' })).toBeChecked();
    await setLevel(page, 'Email', 'No access');
    await expect(stateOf(page, 'Email')).toHaveText('Email: No access');
  });
});
