import { expect, storageStateOf, test } from './fixtures';

test.describe('channel levels', () => {
  test.use({ storageState: storageStateOf('admin') });

  test('clicking cycles the levels; the menu sets one; a sub-channel follows its main channel', async ({ page }) => {
    await page.goto('/profiles/new?role=campaign-manager');
    const messaging = page.getByRole('button', { name: /^Messaging: / });
    await expect(messaging).toHaveAccessibleName('Messaging: View only');
    await expect(page.getByRole('button', { name: /^WhatsApp: / })).toHaveAccessibleName('WhatsApp: follows Messaging (View only)');

    await messaging.click();
    await expect(messaging).toHaveAccessibleName('Messaging: Manage conversations');
    await expect(page.getByRole('button', { name: /^WhatsApp: / })).toHaveAccessibleName('WhatsApp: follows Messaging (Manage conversations)');
    await messaging.click();
    await messaging.click();
    await expect(messaging).toHaveAccessibleName('Messaging: No access');
    await expect(page.getByRole('button', { name: /^Telegram: / })).toHaveAccessibleName('Telegram: follows Messaging (No access)');

    // A sub-channel that sets its own level stops following.
    await page.getByLabel('WhatsApp level').selectOption({ label: 'Manage settings' });
    await expect(page.getByRole('button', { name: /^WhatsApp: / })).toHaveAccessibleName('WhatsApp: Manage settings');
    await messaging.click();
    await expect(page.getByRole('button', { name: /^WhatsApp: / })).toHaveAccessibleName('WhatsApp: Manage settings');
    await expect(page.getByRole('button', { name: /^Viber: / })).toHaveAccessibleName('Viber: follows Messaging (View only)');

    // Saved, the levels reach the profile.
    await page.getByLabel('Name').fill('Campaigns on WhatsApp');
    await page.getByRole('button', { name: 'Save and apply' }).click();
    const preview = page.getByRole('alertdialog', { name: 'Impact preview' });
    await expect(preview.getByRole('listitem').filter({ hasText: 'WhatsApp: No access → Manage settings' })).toBeVisible();
    await preview.getByRole('button', { name: /^Confirm/ }).click();
    await expect(page.getByText('Profile created.')).toBeVisible();
    await expect(page.getByRole('button', { name: /^WhatsApp: / })).toHaveAccessibleName('WhatsApp: Manage settings');
  });
});

test.describe('an agent manager', () => {
  test.use({ storageState: storageStateOf('manager') });

  test('is not offered a level above his own', async ({ page }) => {
    await page.goto('/profiles/new?role=agent');
    await expect(page.getByLabel('Email level').locator('option', { hasText: 'Manage settings' })).toBeDisabled();
    const email = page.getByRole('button', { name: /^Email: / });
    await expect(email).toHaveAccessibleName('Email: Manage conversations');
    await email.click();
    await expect(email).toHaveAccessibleName('Email: No access');
  });
});
