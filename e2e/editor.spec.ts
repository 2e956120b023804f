import type { Page } from '@playwright/test';
import { alertOf, expect, storageStateOf, test } from './fixtures';

// Issue 17: the profile editor as admins use it (results where they act, unsaved changes, finding
// permissions, named impact, dialogs that keep their error, Add without JavaScript).

const JOIN = "Join agents' conversations in group";
const VOICE = 'Initiate voice conversation';
const toggle = (page: Page, name: string) => page.getByRole('switch', { name, exact: true });
const unique = (prefix: string) => `${prefix} ${Math.random().toString(36).slice(2, 8)}`;

/** A new Agent profile at its role's defaults, made through the plain Add profile form. */
async function newAgentProfile(page: Page, name: string) {
  await page.goto('/profiles/new');
  await page.getByLabel('Role').selectOption({ label: 'Agent' });
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Create profile' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
}

test.describe('the permission editor', () => {
  test.use({ storageState: storageStateOf('admin') });

  test('a conflicting "Save and apply" shows its error at the save bar, in the viewport, focused', async ({ page, context }) => {
    const name = unique('Conflict');
    await newAgentProfile(page, name);
    const other = await context.newPage();
    await other.goto(page.url());
    await other.locator('html[data-hydrated]').waitFor({ state: 'attached' });

    await page.getByLabel('Description (optional)').fill('First editor');
    await page.getByRole('button', { name: 'Save and apply' }).click();
    await page
      .getByRole('alertdialog', { name: 'Impact preview' })
      .getByRole('button', { name: /^Confirm/ })
      .click();
    await expect(page.getByText('Saved as version')).toBeVisible();

    await other.getByLabel('Description (optional)').fill('Second editor');
    await other.getByRole('button', { name: 'Save and apply' }).click();
    await other
      .getByRole('alertdialog', { name: 'Impact preview' })
      .getByRole('button', { name: /^Confirm/ })
      .click();
    const bar = other.getByRole('region', { name: /unsaved change/ });
    const error = bar.getByRole('alert');
    await expect(error).toContainText('changed this profile');
    await expect(error).toBeInViewport();
    await expect(error).toBeFocused();
    await expect(bar.getByRole('button', { name: 'Reload' })).toBeVisible();
  });

  test('unsaved changes: the bar counts them, leaving asks first, Discard goes back to what is saved', async ({ page }) => {
    await newAgentProfile(page, unique('Guarded'));
    await expect(page.getByRole('button', { name: 'Save and apply' })).toHaveCount(0);
    await expect(page.getByText('No unsaved changes.')).toBeVisible();

    await toggle(page, JOIN).click();
    await page.getByLabel('Description (optional)').fill('Draft');
    await expect(page.getByRole('heading', { name: '2 unsaved changes' })).toBeVisible();

    // A link inside the console asks; staying keeps the draft.
    const asked: string[] = [];
    page.once('dialog', (d) => {
      asked.push(d.message());
      void d.dismiss();
    });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await expect.poll(() => asked).toEqual(['You have 2 unsaved changes. Leave without saving?']);
    await expect(page).toHaveURL(/\/profiles\/\d+/);
    await expect(toggle(page, JOIN)).toBeChecked();

    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.getByRole('alertdialog', { name: 'Discard 2 unsaved changes?' }).getByRole('button', { name: 'Discard' }).click();
    await expect(toggle(page, JOIN)).not.toBeChecked();
    await expect(page.getByText('No unsaved changes.')).toBeVisible();
    // Nothing unsaved: the link just goes.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await expect(page).toHaveURL(/\/users/);
  });

  test('search, "changed only", "on only", collapsible categories and the jump list', async ({ page }) => {
    await page.goto('/profiles/new?role=agent');
    const search = page.getByRole('searchbox', { name: 'Search permissions' });
    await search.fill('voice');
    await expect(toggle(page, VOICE)).toBeVisible();
    await expect(toggle(page, JOIN)).toHaveCount(0);
    // Definitions are searched too.
    await search.fill('colleague');
    await expect(page.getByRole('status').filter({ hasText: /permissions shown/ })).toBeVisible();
    await search.fill('');

    await toggle(page, JOIN).click();
    await page.getByRole('checkbox', { name: 'Changed only' }).check();
    await expect(page.getByRole('switch')).toHaveCount(1);
    await expect(toggle(page, JOIN)).toBeVisible();
    await page.getByRole('checkbox', { name: 'Changed only' }).uncheck();

    await page.getByRole('checkbox', { name: 'On only' }).check();
    await expect(page.getByRole('switch', { checked: false })).toHaveCount(0);
    await page.getByRole('checkbox', { name: 'On only' }).uncheck();

    await page.getByRole('checkbox', { name: 'Compact' }).check();
    await expect(toggle(page, VOICE)).toBeVisible();

    const jump = page.getByRole('navigation', { name: 'Jump to' });
    await expect(jump.getByRole('link', { name: 'Channels' })).toBeVisible();
    const firstCategory = page.getByRole('button', { expanded: true }).first();
    await firstCategory.click();
    await expect(firstCategory).toHaveAttribute('aria-expanded', 'false');
  });

  test('the impact preview names the affected users, searchable', async ({ page }) => {
    await page.goto('/profiles');
    await page.getByRole('link', { name: 'Agent', exact: true }).click();
    await toggle(page, JOIN).click();
    await page.getByRole('button', { name: 'Save and apply' }).click();
    const preview = page.getByRole('alertdialog', { name: 'Impact preview' });
    const people = preview.getByRole('region', { name: 'Affected users' });
    await expect(people.getByRole('group', { name: 'Holders on version 1' })).toContainText(`Gain: ${JOIN}`);
    await people.getByRole('searchbox', { name: 'Search affected users' }).fill('Sam Sal');
    await expect(people.getByRole('list', { name: 'Affected users list' }).getByRole('listitem')).toHaveText([/Sam Sales \(sales\)/]);
    await preview.getByRole('button', { name: 'Cancel' }).click();
  });

  test('Delete on a default profile is not offered and says why; a refused Delete role keeps its error inside the dialog, focused', async ({ page }) => {
    await page.goto('/profiles');
    await page.getByRole('link', { name: 'Agent', exact: true }).click();
    await expect(page.getByRole('button', { name: 'Delete profile' })).toBeDisabled();
    await expect(page.getByRole('button', { name: 'Delete profile' })).toHaveAccessibleDescription(
      '"Agent" is the default profile of its role and cannot be deleted.',
    );

    const role = unique('Held role');
    await page.goto('/roles/new');
    await page.getByLabel('Base role').selectOption({ label: 'Agent' });
    await page.getByLabel('Name', { exact: true }).fill(role);
    await page.getByRole('button', { name: 'Create role' }).click();
    await expect(page.getByRole('heading', { name: role, level: 1 })).toBeVisible();
    await page.goto('/profiles/new');
    await page.getByLabel('Role').selectOption({ label: role });
    await page.getByLabel('Name', { exact: true }).fill(unique('Extra'));
    await page.getByRole('button', { name: 'Create profile' }).click();
    await expect(page.getByText('Profile created.')).toBeVisible();

    await page.goto('/roles');
    await page.getByRole('link', { name: role, exact: true }).click();
    await page.getByRole('button', { name: 'Delete role' }).click();
    const dialog = page.getByRole('alertdialog', { name: `Delete the role "${role}"?` });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect(dialog.getByRole('alert')).toContainText('is still in use');
    await expect(dialog.getByRole('alert')).toBeFocused();
    await expect(alertOf(page)).toBeInViewport();
  });

  test('a mutation that cannot reach the server says so at the action', async ({ page }) => {
    await newAgentProfile(page, unique('Offline'));
    await page.getByLabel('Description (optional)').fill('Never sent');
    await page.route('**/profiles/**', (route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue()));
    await page.getByRole('button', { name: 'Save and apply' }).click();
    const bar = page.getByRole('region', { name: /unsaved change/ });
    await expect(bar.getByRole('alert')).toContainText('could not be reached; nothing was changed');
    await expect(bar.getByRole('alert')).toBeInViewport();
  });
});

test.describe('Add profile and Add role without JavaScript', () => {
  test.use({ storageState: storageStateOf('admin'), javaScriptEnabled: false });

  // A page of its own: the fixture's page waits for hydration, which never comes without script.
  test('the role chosen is the role the profile gets, with no script and no waiting', async ({ context }) => {
    const page = await context.newPage();
    const name = unique('No script');
    await page.goto('/profiles/new');
    await page.getByLabel('Role').selectOption({ label: 'Agent manager' });
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Create profile' }).click();
    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
    await expect(page.getByText(/^Agent manager role · version 1/)).toBeVisible();

    const role = unique('No script role');
    await page.goto('/roles/new');
    await page.getByLabel('Base role').selectOption({ label: 'Agent manager' });
    await page.getByLabel('Name', { exact: true }).fill(role);
    await page.getByRole('button', { name: 'Create role' }).click();
    await expect(page.getByRole('heading', { name: role, level: 1 })).toBeVisible();
    await expect(page.getByText(/Custom role based on Agent manager/)).toBeVisible();

    // "Continue" opens the editor at the chosen role, also without script.
    await page.goto('/profiles/new');
    await page.getByLabel('Role').selectOption({ label: 'Agent manager' });
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page).toHaveURL(/role=agent-manager$/);
  });
});
