import type { Page } from '@playwright/test';
import { alertOf, expect, storageStateOf, test } from './fixtures';

async function openUser(page: Page, loginName: string) {
  await page.goto(`/users?q=${loginName}`);
  await page.getByRole('table', { name: 'Users' }).getByRole('cell').getByRole('link').first().click();
  await expect(page.getByRole('heading', { name: 'Effective permissions' })).toBeVisible();
}

test.describe.serial('custom roles', () => {
  test.use({ storageState: storageStateOf('admin') });

  test('admin creates "Team Lead" based on Agent manager, with a profile and a user; deleting it is refused while used, allowed when not', async ({ page }) => {
    await page.goto('/roles');
    await page.getByRole('link', { name: 'Add role' }).click();
    await page.getByLabel('Base role').selectOption({ label: 'Agent manager' });
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page).toHaveURL(/base=agent-manager$/);
    await page.getByLabel('Name', { exact: true }).fill('Team Lead');
    await page.getByLabel(/^Rank/).fill('3');
    await page.getByRole('switch', { name: 'Manage skills', exact: true }).click();
    await page.getByRole('button', { name: 'Save and apply' }).click();
    await page
      .getByRole('alertdialog', { name: 'Impact preview' })
      .getByRole('button', { name: /^Confirm/ })
      .click();
    await expect(alertOf(page)).toContainText('The rank can be at most 2');
    await page.getByLabel(/^Rank/).fill('2');
    await page.getByRole('button', { name: 'Save and apply' }).click();
    await page
      .getByRole('alertdialog', { name: 'Impact preview' })
      .getByRole('button', { name: /^Confirm/ })
      .click();
    await expect(page.getByText('Role created, with its default profile.')).toBeVisible();
    await expect(page.getByRole('switch', { name: 'Manage skills', exact: true })).toBeChecked();

    // A second profile in the role, and a user holding the default one.
    await page.goto('/profiles/new');
    await page.getByLabel('Role').selectOption({ label: 'Team Lead' });
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Name').fill('Team Lead nights');
    await page.getByRole('button', { name: 'Save and apply' }).click();
    await page
      .getByRole('alertdialog', { name: 'Impact preview' })
      .getByRole('button', { name: /^Confirm/ })
      .click();
    await expect(page.getByText('Profile created.')).toBeVisible();

    await openUser(page, 'hugo.nguyen');
    await page.getByLabel('Assign a profile').selectOption({ label: 'Team Lead (Team Lead)' });
    await page.getByRole('button', { name: 'Assign profile' }).click();
    await expect(page.getByText(/Profile assigned/)).toBeVisible();

    await page.goto('/roles');
    await page.getByRole('link', { name: 'Team Lead', exact: true }).click();
    await page.getByRole('button', { name: 'Delete role' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect(alertOf(page)).toContainText('1 user(s) hold it: hugo.nguyen; profiles of this role: Team Lead nights');

    // Free it: remove the user's profile, delete the extra profile; then the role goes.
    await openUser(page, 'hugo.nguyen');
    await page.getByRole('button', { name: 'Remove Team Lead' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Remove' }).click();
    await expect(page.getByText('Profile removed.')).toBeVisible();
    await page.goto('/profiles');
    await page.getByRole('link', { name: 'Team Lead nights', exact: true }).click();
    await page.getByRole('button', { name: 'Delete profile' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByText('Profile deleted.')).toBeVisible();

    await page.goto('/roles');
    await page.getByRole('link', { name: 'Team Lead', exact: true }).click();
    await page.getByRole('button', { name: 'Delete role' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByText('Role deleted.')).toBeVisible();
    await expect(page.getByRole('link', { name: 'Team Lead', exact: true })).toHaveCount(0);
  });
});
