import fs from 'node:fs';
import { expect, test as setup, type Page } from '@playwright/test';
import { apiKeysFile, storageStateOf, type ApiKeys } from './fixtures';

/** Create one key through Settings → API keys, as an admin would, and read it from the dialog that shows it once. */
async function createKey(page: Page, name: string, actsFor: string, callsPerMinute?: number): Promise<string> {
  await page.getByRole('button', { name: 'Create API key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create API key' });
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByLabel('Acts for').selectOption({ label: actsFor });
  await dialog.getByRole('button', { name: /^Choose all \d+$/ }).click();
  if (callsPerMinute) await dialog.getByLabel('Calls a minute').fill(String(callsPerMinute));
  await dialog.getByRole('button', { name: 'Create key' }).click();
  const shown = page.getByRole('dialog', { name: `Your new key "${name}"` });
  const token = await shown.getByLabel('API key').inputValue();
  expect(token).toMatch(/^sb_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
  await shown.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('row', { name: new RegExp(`^${name} `) })).toBeVisible();
  return token;
}

setup('an admin creates API keys for himself, the manager and the agent, and revokes one', async ({ browser }) => {
  const context = await browser.newContext({ storageState: storageStateOf('admin') });
  const page = await context.newPage();
  await page.goto('/settings/api-keys');
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
  const keys: ApiKeys = {
    admin: await createKey(page, 'e2e admin', 'Avery Admin (admin)'),
    manager: await createKey(page, 'e2e manager', 'Morgan Manager (manager)'),
    agent: await createKey(page, 'e2e agent', 'Alex Agent (agent)'),
    revoked: await createKey(page, 'e2e revoked', 'Avery Admin (admin)'),
    limited: await createKey(page, 'e2e limited', 'Avery Admin (admin)', 3),
  };
  await page.getByRole('button', { name: 'Revoke e2e revoked' }).click();
  await page.getByRole('alertdialog', { name: 'Revoke "e2e revoked"?' }).getByRole('button', { name: 'Revoke key' }).click();
  await expect(page.getByRole('status')).toContainText('"e2e revoked" is revoked');
  await expect(page.getByRole('row', { name: /^e2e revoked / })).toContainText('Revoked');
  fs.writeFileSync(apiKeysFile, JSON.stringify(keys));
  await context.close();
});
