import type { Page } from '@playwright/test';
import { alertOf, DEMO_PASSWORD, expect, signIn, storageStateOf, test } from './fixtures';

/**
 * Delegating limited user management: an admin, who does not hold "Manage agent users in group"
 * (his "Manage users and roles" covers it), puts it in a new Agent manager profile and hands that
 * profile to a lead of Sales. The lead then runs the agents of Sales, and only of Sales.
 */
const MANAGE_AGENTS = 'Manage agent users in group';
// Unique per run, so the spec does not depend on what other specs create.
const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const PROFILE = `Sales lead ${suffix}`;
const LEAD = { loginName: `lead-${suffix}`, name: `Lena Lead ${suffix}` };
const AGENT = { loginName: `agent-${suffix}`, name: `Arlo Agent ${suffix}` };
const OUTSIDER = { loginName: `outsider-${suffix}`, name: `Otto Outsider ${suffix}` };

async function fillNewUser(page: Page, user: { loginName: string; name: string }) {
  await page.getByLabel('Login name').fill(user.loginName);
  await page.getByLabel('Email').fill(`${user.loginName}@example.com`);
  await page.getByLabel('Name', { exact: true }).fill(user.name);
  await page.getByLabel('Nickname (shown to visitors)').fill(user.name.split(' ')[0]!);
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
}

async function openAddUser(page: Page) {
  await openArea(page, 'Users');
  await page.getByRole('link', { name: 'Add user' }).click();
  // The list has a "Group" filter of its own: fill the form on the new page, not the list's filters.
  await expect(page.getByRole('heading', { level: 1, name: 'Add user' })).toBeVisible();
}

async function openArea(page: Page, area: 'Users' | 'Profiles') {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: area, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: area, exact: true })).toBeVisible();
}

async function searchUsers(page: Page, text: string) {
  await page.getByLabel('Search users').fill(text);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(new RegExp(`q=${text}`));
}

test.describe.serial('delegated user management', () => {
  test.describe('admin', () => {
    test.use({ storageState: storageStateOf('admin') });

    test(`creates an Agent manager profile with "${MANAGE_AGENTS}" on, which he does not hold himself`, async ({ page }) => {
      await page.goto('/');
      await openArea(page, 'Profiles');
      await page.getByRole('link', { name: 'Add profile' }).click();
      // The list has a "Role" filter of its own: pick the role on the new page, not on the list.
      await expect(page.getByRole('heading', { level: 1, name: 'Add profile' })).toBeVisible();
      await page.getByLabel('Role').selectOption({ label: 'Agent manager' });
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect(page).toHaveURL(/role=agent-manager$/);

      await page.getByLabel('Name').fill(PROFILE);
      const manageAgents = page.getByRole('switch', { name: MANAGE_AGENTS, exact: true });
      await expect(manageAgents).not.toBeChecked(); // off by default in the role
      await expect(manageAgents).toBeEnabled(); // covered by his "Manage users and roles"
      await manageAgents.click();
      await expect(manageAgents).toBeChecked();

      await page.getByRole('button', { name: 'Save and apply' }).click();
      const preview = page.getByRole('alertdialog', { name: 'Impact preview' });
      await expect(preview.getByText('A new profile: nobody holds it yet.')).toBeVisible();
      await preview.getByRole('button', { name: /^Confirm/ }).click();
      await expect(page.getByText('Profile created.')).toBeVisible();
      await expect(page.getByRole('heading', { name: PROFILE })).toBeVisible();
      await expect(manageAgents).toBeChecked();
    });

    test('adds a lead of Sales holding that profile', async ({ page }) => {
      await page.goto('/');
      await openAddUser(page);
      await fillNewUser(page, LEAD);
      await page.getByLabel('Group', { exact: true }).selectOption({ label: 'Sales' });
      await page.getByLabel('Agent manager profile').selectOption({ label: PROFILE });
      await page.getByRole('group', { name: 'Manages groups' }).getByRole('checkbox', { name: 'Sales', exact: true }).check();
      await page.getByRole('button', { name: 'Save' }).click();
      await expect(page.getByText('User created.')).toBeVisible();
      await expect(page.getByRole('heading', { level: 1, name: LEAD.name })).toBeVisible();
      await expect(page.getByText(`${LEAD.loginName} · ${LEAD.loginName}@example.com · nickname Lena · Sales · Active`)).toBeVisible();
      await expect(page.getByText(`${PROFILE} (Agent manager) · on version 1`)).toBeVisible();
    });
  });

  test.describe('the lead', () => {
    // A fresh context with no stored login: he signs in himself.
    test.use({ storageState: { cookies: [], origins: [] } });

    test.beforeEach(async ({ page }) => {
      await signIn(page, LEAD.loginName, DEMO_PASSWORD);
      await expect(page.getByRole('heading', { name: `Welcome, ${LEAD.name}` })).toBeVisible();
    });

    test('creates an agent in Sales, who then shows in his users list', async ({ page }) => {
      await openAddUser(page);
      await fillNewUser(page, AGENT);
      await page.getByLabel('Group', { exact: true }).selectOption({ label: 'Sales' });
      await page.getByLabel('Agent profile').selectOption({ label: 'Agent' });
      await page.getByRole('button', { name: 'Save' }).click();
      await expect(page.getByText('User created.')).toBeVisible();
      await expect(page.getByRole('heading', { level: 1, name: AGENT.name })).toBeVisible();
      await expect(page.getByText(`${AGENT.loginName} · ${AGENT.loginName}@example.com · nickname Arlo · Sales · Active`)).toBeVisible();
      await expect(page.getByText('Agent (Agent) · on version 1')).toBeVisible();

      await openArea(page, 'Users');
      await searchUsers(page, AGENT.loginName);
      await expect(page.getByRole('status').filter({ hasText: 'user' })).toHaveText('1 user match');
      await expect(page.getByRole('table', { name: 'Users' }).getByRole('cell', { name: AGENT.loginName, exact: true })).toBeVisible();
    });

    test('is offered no group outside Sales, and a user without a group is refused', async ({ page }) => {
      await openAddUser(page);
      // userFormOptions lists only his managed subtree: Sales, which has no sub-groups.
      const group = page.getByLabel('Group', { exact: true });
      await expect(group.getByRole('option')).toHaveText(['Choose a group…', 'Sales']);
      for (const outside of ['Support', 'Tier 1', 'Tier 2']) {
        await expect(group.getByRole('option', { name: outside })).toHaveCount(0);
      }
      const managesGroups = page.getByRole('group', { name: 'Manages groups' });
      await expect(managesGroups.getByRole('checkbox')).toHaveCount(1);
      await expect(managesGroups.getByRole('checkbox', { name: 'Sales', exact: true })).toBeVisible();

      // The only way out of Sales the form leaves him is no group at all: the server refuses it.
      await fillNewUser(page, OUTSIDER);
      await page.getByLabel('Agent profile').selectOption({ label: 'Agent' });
      await expect(group).toHaveValue('');
      await page.getByRole('button', { name: 'Save' }).click();
      await expect(alertOf(page)).toContainText('Choose a group inside your group structure.');
      await expect(page.getByText('Group is required', { exact: true })).toBeVisible();
      await expect(page.getByRole('heading', { level: 1, name: 'Add user' })).toBeVisible();

      await openArea(page, 'Users');
      await searchUsers(page, OUTSIDER.loginName);
      await expect(page.getByText('No users match these filters.')).toBeVisible();
    });
  });
});
