import type { Browser, Page } from '@playwright/test';
import { alertOf, expect, signIn, storageStateOf, test } from './fixtures';

async function userHref(browser: Browser, baseURL: string | undefined, loginName: string): Promise<string> {
  const admin = await browser.newContext({ baseURL, storageState: storageStateOf('admin') });
  const page = await admin.newPage();
  await page.goto(`/users?q=${loginName}`);
  const href = await page.getByRole('table', { name: 'Users' }).getByRole('cell').getByRole('link').first().getAttribute('href');
  await admin.close();
  return href!;
}

async function fillNewUser(page: Page, loginName: string, name: string) {
  await page.getByLabel('Login name').fill(loginName);
  await page.getByLabel('Email').fill(`${loginName}@example.com`);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Nickname (shown to visitors)').fill(name.split(' ')[0]!);
  await page.getByLabel('Password', { exact: true }).fill('new-user-password');
}

test.describe('admin', () => {
  test.use({ storageState: storageStateOf('admin') });

  test('creates an agent with two skills (one new), max chats 4 and a profile, then deactivates him: his open session is refused', async ({
    page,
    browser,
    baseURL,
  }) => {
    await page.goto('/users');
    await page.getByRole('link', { name: 'Add user' }).click();
    await fillNewUser(page, 'nina.new', 'Nina New');
    await page.getByLabel('Group', { exact: true }).selectOption({ label: '\u00a0\u00a0Tier 1' });
    await page.getByLabel('Agent profile').selectOption({ label: 'Agent' });
    await page.getByLabel('Max concurrent chats').fill('4');
    await page.getByRole('checkbox', { name: 'Billing' }).check();
    await page.getByLabel('New skills (comma-separated)').fill('Mandarin');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('User created.')).toBeVisible();
    await expect(page.getByRole('heading', { level: 1, name: 'Nina New' })).toBeVisible();
    await expect(page.getByLabel('Max concurrent chats')).toHaveValue('4');
    await expect(page.getByRole('checkbox', { name: 'Billing' })).toBeChecked();
    await expect(page.getByRole('checkbox', { name: 'Mandarin' })).toBeChecked();
    await expect(page.getByText(/Agent \(Agent\) · on version 1/)).toBeVisible();

    // Nina signs in elsewhere and keeps a session open.
    // A fresh context with no stored login (test.use would otherwise hand it the admin's).
    const nina = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
    const ninaPage = await nina.newPage();
    await signIn(ninaPage, 'nina.new', 'new-user-password');
    await expect(ninaPage.getByRole('heading', { name: 'Welcome, Nina New' })).toBeVisible();

    await page.getByRole('button', { name: 'Deactivate' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Deactivate' }).click();
    await expect(page.getByRole('button', { name: 'Reactivate' })).toBeVisible();

    await ninaPage.reload();
    await expect(ninaPage).toHaveURL(/\/login$/);
    await nina.close();
  });

  test('bad input names the field and saves nothing', async ({ page }) => {
    await page.goto('/users/new');
    await fillNewUser(page, 'agent', 'Duplicate Login');
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('Email is not a valid address', { exact: true })).toBeVisible();
    await page.getByLabel('Email').fill('dup@example.com');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(alertOf(page)).toContainText('The login name "agent" is already taken.');
    await page.getByLabel('Agent profile').selectOption({ label: 'Agent' });
    await page.getByLabel('Login name').fill('zed.zero');
    await page.getByLabel('Max concurrent chats').fill('0');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('Max chats must be a positive whole number', { exact: true })).toBeVisible();
  });

  test('groups: add, rename, delete; a move under itself is refused', async ({ page }) => {
    await page.goto('/groups');
    await page.getByLabel('New group name').fill('Night shift');
    await page.getByLabel('Parent group').selectOption({ label: 'Support' });
    await page.getByRole('button', { name: 'Add group' }).click();
    await expect(page.getByRole('cell', { name: 'Night shift', exact: true })).toBeVisible();

    await page.getByRole('button', { name: 'Edit Support' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit Support' });
    await dialog.getByLabel('Parent group').selectOption({ label: '\u00a0\u00a0Tier 1' });
    await dialog.getByRole('button', { name: 'Save group' }).click();
    await expect(alertOf(page).first()).toContainText('cannot move under itself');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('button', { name: 'Edit Night shift' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('Night shift EU');
    await page.getByRole('dialog').getByRole('button', { name: 'Save group' }).click();
    await expect(page.getByRole('cell', { name: 'Night shift EU', exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Delete Night shift EU' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByRole('cell', { name: 'Night shift EU', exact: true })).toHaveCount(0);
  });

  test('skills: a held skill is removed from its agents only after confirming', async ({ page }) => {
    await page.goto('/skills');
    await page.getByLabel('New skill name').fill('Portuguese');
    await page.getByRole('button', { name: 'Add skill' }).click();
    await expect(page.getByRole('cell', { name: 'Portuguese', exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Delete Spanish' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete Spanish?' });
    await expect(confirm).toContainText('agent(s) hold this skill');
    await confirm.getByRole('button', { name: /Remove from \d+ agent\(s\) and delete/ }).click();
    await expect(page.getByText(/Skill deleted and removed from/)).toBeVisible();
    await expect(page.getByRole('cell', { name: 'Spanish', exact: true })).toHaveCount(0);
  });
});

test.describe('admin, on the users list', () => {
  test.use({ storageState: storageStateOf('admin') });

  test('a bulk action previews each user, then reports a result per user', async ({ page }) => {
    await page.goto('/users?q=okafor');
    await page.getByRole('checkbox', { name: 'Select Ana Okafor' }).check();
    await page.getByRole('checkbox', { name: 'Select Ben Okafor' }).check();
    await expect(page.getByText('2 selected')).toBeVisible();
    await page.getByLabel('Action').selectOption({ label: 'Add a skill' });
    await page.getByLabel('Skill').selectOption({ label: 'VIP' });
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('alertdialog', { name: 'Add a skill: preview' });
    await expect(preview.getByRole('listitem')).toHaveText(['ana.okafor: will change', 'ben.okafor: will change']);
    await preview.getByRole('button', { name: 'Apply to 2 users' }).click();
    const results = page.getByRole('dialog', { name: 'Bulk action: results' });
    await expect(results.getByRole('listitem')).toHaveText(['ana.okafor: done', 'ben.okafor: done']);
  });

  test('exports the filtered list as CSV', async ({ page }) => {
    await page.goto('/users?status=active&q=nguyen');
    const total = Number((await page.getByRole('status').filter({ hasText: 'match' }).textContent())!.match(/^(\d+)/)![1]);
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Export CSV' }).click();
    const file = await (await download).path();
    const lines = (await import('node:fs')).readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('Login name,Name,Email,Nickname,Profiles,Roles,Group,Skills,Max chats,Status');
    expect(lines).toHaveLength(total + 1);
    expect(lines.slice(1).every((l) => l.includes('nguyen'))).toBe(true);
  });
});

test.describe('agent manager', () => {
  test.use({ storageState: storageStateOf('manager') });

  test('creates an agent in Tier 2; cannot open sales, nor offer an Admin profile', async ({ page, browser, baseURL }) => {
    await page.goto('/users/new');
    await fillNewUser(page, 'tom.tier2', 'Tom Tiertwo');
    await expect(page.getByLabel('Group', { exact: true }).locator('option', { hasText: 'Sales' })).toHaveCount(0);
    await page.getByLabel('Group', { exact: true }).selectOption({ label: '\u00a0\u00a0Tier 2' });
    await expect(page.getByLabel('Admin profile')).toHaveCount(0);
    await page.getByLabel('Agent profile').selectOption({ label: 'Agent' });
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('User created.')).toBeVisible();
    await expect(page.getByText('tom.tier2 · tom.tier2@example.com · nickname Tom · Tier 2 · Active')).toBeVisible();
    await expect(page.getByLabel('Assign a profile').locator('option', { hasText: '(Admin)' })).toHaveCount(0);

    // Granting a permission he lacks is refused by the server, with the reason.
    await page.getByLabel('Permission', { exact: true }).selectOption({ label: 'Transfer messaging conversations to an agent in "offline" state' });
    await page.getByLabel('Reason').fill('Covering the night shift');
    await page.getByRole('button', { name: 'Add override' }).click();
    await expect(alertOf(page)).toContainText("yourself, so you can't give it to others");

    const salesHref = await userHref(browser, baseURL, 'sales');
    await page.goto(salesHref);
    await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  });
});
