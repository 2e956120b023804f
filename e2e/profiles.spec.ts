import type { Page } from '@playwright/test';
import { alertOf, expect, storageStateOf, test } from './fixtures';

const JOIN = "Join agents' conversations in group";
const VOICE = 'Initiate voice conversation';
const OFFLINE = 'Transfer messaging conversations to an agent in "offline" state';

const toggle = (page: Page, name: string) => page.getByRole('switch', { name, exact: true });

async function saveWith(page: Page, button: 'Save and apply' | 'Save for new users only') {
  await page.getByRole('button', { name: button }).click();
  const preview = page.getByRole('alertdialog', { name: 'Impact preview' });
  await expect(preview).toBeVisible();
  return preview;
}

async function openUser(page: Page, loginName: string) {
  await page.goto(`/users?q=${loginName}`);
  await page.getByRole('table', { name: 'Users' }).getByRole('cell').getByRole('link').first().click();
  await expect(page.getByRole('heading', { name: 'Effective permissions' })).toBeVisible();
}

async function assignProfile(page: Page, loginName: string, profile: string) {
  await openUser(page, loginName);
  await page.getByLabel('Assign a profile').selectOption({ label: `${profile} (Agent)` });
  await page.getByRole('button', { name: 'Assign profile' }).click();
  await expect(page.getByText(/Profile assigned/)).toBeVisible();
}

const effectiveRow = (page: Page, permission: string) =>
  page
    .getByRole('table', { name: 'Permissions he has' })
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: permission, exact: true }) });

test.describe.serial('admin edits profiles', () => {
  test.use({ storageState: storageStateOf('admin') });

  test('creates "Senior Agent": toggles, restore defaults, save', async ({ page }) => {
    await page.goto('/profiles');
    await page.getByRole('link', { name: 'Add profile' }).click();
    await page.getByLabel('Role').selectOption({ label: 'Agent' });
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page).toHaveURL(/role=agent$/);
    await expect(toggle(page, VOICE)).toBeChecked(); // role defaults
    await expect(toggle(page, JOIN)).not.toBeChecked();
    await expect(page.getByText('Ability for agent to change their name, password, regional settings and so on')).toBeVisible(); // core, locked

    await page.getByLabel('Name').fill('Senior Agent');
    await page.getByLabel('Description (optional)').fill('Agents who may join and watch colleagues');
    await toggle(page, JOIN).click();
    await toggle(page, VOICE).click();
    await expect(toggle(page, JOIN)).toBeChecked();
    await expect(toggle(page, VOICE)).not.toBeChecked();

    await page.getByRole('button', { name: 'Restore defaults' }).click();
    const restore = page.getByRole('alertdialog', { name: 'Restore the role defaults?' });
    await expect(restore.getByText('Turns on:')).toBeVisible();
    await expect(restore.getByRole('listitem').filter({ hasText: VOICE })).toBeVisible();
    await expect(restore.getByRole('listitem').filter({ hasText: JOIN })).toBeVisible();
    await restore.getByRole('button', { name: 'Restore' }).click();
    await expect(toggle(page, VOICE)).toBeChecked();
    await expect(toggle(page, JOIN)).not.toBeChecked();

    await toggle(page, JOIN).click();
    const preview = await saveWith(page, 'Save and apply');
    await expect(preview.getByText('A new profile: nobody holds it yet.')).toBeVisible();
    await preview.getByRole('button', { name: /^Confirm/ }).click();
    await expect(page.getByRole('heading', { name: 'Senior Agent' })).toBeVisible();
    await expect(page.getByText('Profile created.')).toBeVisible();
    await expect(toggle(page, JOIN)).toBeChecked();
  });

  test('save and apply reaches the holder; save for new users only does not', async ({ page }) => {
    await assignProfile(page, 'chloe.nguyen', 'Senior Agent');
    await expect(effectiveRow(page, OFFLINE)).toHaveCount(0);

    await page.goto('/profiles');
    await page.getByRole('link', { name: 'Senior Agent', exact: true }).click();
    await toggle(page, OFFLINE).click();
    let preview = await saveWith(page, 'Save and apply');
    await expect(preview.getByText('1 user affected now')).toBeVisible();
    await expect(preview.getByRole('listitem').filter({ hasText: OFFLINE })).toBeVisible();
    await preview.getByRole('button', { name: /^Confirm/ }).click();
    await expect(page.getByText('Saved as version 2.')).toBeVisible();

    await openUser(page, 'chloe.nguyen');
    await expect(effectiveRow(page, OFFLINE)).toContainText('profile Senior Agent, version 2');

    await page.goto('/profiles');
    await page.getByRole('link', { name: 'Senior Agent', exact: true }).click();
    await toggle(page, OFFLINE).click();
    preview = await saveWith(page, 'Save for new users only');
    await expect(preview.getByText('0 users affected now')).toBeVisible();
    await preview.getByRole('button', { name: /^Confirm/ }).click();
    await expect(page.getByText('Saved as version 3.')).toBeVisible();
    const versions = page.getByRole('table', { name: 'Versions' });
    await expect(versions.getByRole('row', { name: /v2/ })).toContainText('1');
    await page.getByLabel('Compare version').selectOption('1');
    await page.getByLabel('with version').selectOption('2');
    await page.getByRole('button', { name: 'Show differences' }).click();
    await expect(page.getByRole('region', { name: 'Differences between version 1 and version 2' })).toContainText(`Turned on: ${OFFLINE}`);

    await openUser(page, 'chloe.nguyen');
    await expect(page.getByText(/Senior Agent \(Agent\) · on version 2/)).toBeVisible();
    await expect(effectiveRow(page, OFFLINE)).toHaveCount(1);

    await assignProfile(page, 'dev.nguyen', 'Senior Agent');
    await expect(page.getByText(/Senior Agent \(Agent\) · on version 3/)).toBeVisible();
    await expect(effectiveRow(page, OFFLINE)).toHaveCount(0);
    await expect(effectiveRow(page, JOIN)).toContainText('profile Senior Agent, version 3');
  });

  test('prerequisites are added, and turning one off offers to turn off what needs it', async ({ page }) => {
    await page.goto('/profiles/new?role=agent-manager');
    await toggle(page, 'Conversation Builder: API Credentials Manager').click();
    await expect(toggle(page, 'Conversation Builder: Bot Builder Lite')).toBeChecked();
    await expect(toggle(page, 'Conversation Builder: API Developer')).toBeChecked();
    await expect(page.getByText('Added because of Conversation Builder: API Credentials Manager')).toHaveCount(2);

    await toggle(page, 'Conversation Builder: Bot Builder Lite').click();
    const dialog = page.getByRole('alertdialog', { name: 'Turn off "Conversation Builder: Bot Builder Lite"?' });
    await expect(dialog.getByRole('listitem')).toHaveText(['Conversation Builder: API Credentials Manager']);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(toggle(page, 'Conversation Builder: Bot Builder Lite')).toBeChecked();

    await toggle(page, 'Conversation Builder: Bot Builder Lite').click();
    await dialog.getByRole('button', { name: 'Turn them off too' }).click();
    await expect(toggle(page, 'Conversation Builder: Bot Builder Lite')).not.toBeChecked();
    await expect(toggle(page, 'Conversation Builder: API Credentials Manager')).not.toBeChecked();
    await expect(toggle(page, 'Conversation Builder: API Developer')).toBeChecked();
  });

  test('a second editor gets a conflict, not a silent overwrite', async ({ page, context }) => {
    await page.goto('/profiles');
    await page.getByRole('link', { name: 'Senior Agent', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Senior Agent' })).toBeVisible();
    const other = await context.newPage();
    await other.goto(page.url());

    await page.getByLabel('Description (optional)').fill('First editor');
    await (await saveWith(page, 'Save and apply')).getByRole('button', { name: /^Confirm/ }).click();
    await expect(page.getByText(/Saved as version/)).toBeVisible();

    await other.getByLabel('Description (optional)').fill('Second editor');
    await (await saveWith(other, 'Save and apply')).getByRole('button', { name: /^Confirm/ }).click();
    await expect(alertOf(other)).toContainText('changed this profile');
    await other.getByRole('button', { name: 'Reload' }).click();
    await expect(other.getByLabel('Description (optional)')).toHaveValue('First editor');
  });

  test('a held profile cannot be deleted; the refusal names its holders', async ({ page }) => {
    await page.goto('/profiles');
    await page.getByRole('link', { name: 'Senior Agent', exact: true }).click();
    await page.getByRole('button', { name: 'Delete profile' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect(alertOf(page)).toContainText('still held by 2 user(s): chloe.nguyen, dev.nguyen');
  });

  test('bad input gets a clear message: empty and duplicate names', async ({ page }) => {
    await page.goto('/profiles/new?role=agent');
    await page.getByRole('button', { name: 'Save and apply' }).click();
    await expect(page.getByText('Name is required').first()).toBeVisible();
    await page.getByLabel('Name').fill('senior agent');
    await (await saveWith(page, 'Save and apply')).getByRole('button', { name: /^Confirm/ }).click();
    await expect(alertOf(page)).toContainText('A profile named "senior agent" already exists.');
  });
});

test.describe('agent manager', () => {
  test.use({ storageState: storageStateOf('manager') });

  test('cannot switch on a permission he lacks: the toggle is disabled and says why', async ({ page }) => {
    await page.goto('/profiles');
    await expect(page.getByRole('link', { name: 'Admin', exact: true })).toHaveCount(0);
    await page.getByRole('link', { name: 'Agent', exact: true }).click();
    await expect(toggle(page, OFFLINE)).toBeDisabled();
    await expect(page.getByText(`You don't hold "${OFFLINE}" yourself, so you can't give it to others.`)).toBeVisible();
    await expect(toggle(page, JOIN)).toBeEnabled();
  });
});
