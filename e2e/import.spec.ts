import { alertOf, expect, storageStateOf, test } from './fixtures';

const HEADER = 'Login name,Email,Name,Nickname,Group,Profiles,Skills,Max chats';
/** A CSV file for setInputFiles, as a person would choose one. */
const csvFile = (name: string, lines: string[]) => ({ name, mimeType: 'text/csv', buffer: Buffer.from([HEADER, ...lines].join('\n') + '\n') });
// Unique per run, so the spec passes on a database an earlier run left behind.
const run = Date.now().toString(36);

test.describe('admin imports users from CSV', () => {
  test.use({ storageState: storageStateOf('admin') });

  test('chooses a file, sees the preview, confirms; the users appear in the list', async ({ page }) => {
    await page.goto('/users');
    await page.getByRole('link', { name: 'Import', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Import users' })).toBeVisible();

    await page
      .getByLabel('CSV file')
      .setInputFiles(
        csvFile('agents.csv', [
          `imp-${run}.ada,ada.${run}@import.example,Ada Imported,Ada,Support / Tier 2,Agent,Billing; Returns,3`,
          `imp-${run}.bo,bo.${run}@import.example,Bo Imported,Bo,Sales,Agent,Sales chat,2`,
        ]),
      );
    const preview = page.getByRole('region', { name: 'Preview of agents.csv' });
    await expect(preview).toContainText('2 users will be created. 2 of them have no password and cannot sign in until someone sets one.');
    // Nothing is written before the confirmation.
    await page.goto(`/users?q=imp-${run}`);
    await expect(page.getByText('No users match these filters.')).toBeVisible();

    await page.goto('/users/import');
    await page
      .getByLabel('CSV file')
      .setInputFiles(
        csvFile('agents.csv', [
          `imp-${run}.ada,ada.${run}@import.example,Ada Imported,Ada,Support / Tier 2,Agent,Billing; Returns,3`,
          `imp-${run}.bo,bo.${run}@import.example,Bo Imported,Bo,Sales,Agent,Sales chat,2`,
        ]),
      );
    await page.getByRole('button', { name: 'Import 2 users' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Imported 2 users.' })).toBeVisible();
    await page.getByRole('link', { name: 'Back to the users list' }).click();
    await page.getByLabel('Search users').fill(`imp-${run}`);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const table = page.getByRole('table', { name: 'Users' });
    await expect(table.getByRole('link', { name: 'Ada Imported' })).toBeVisible();
    await expect(table.getByRole('link', { name: 'Bo Imported' })).toBeVisible();

    await table.getByRole('link', { name: 'Ada Imported' }).click();
    await expect(page.getByText(/has no password yet/)).toBeVisible();
    await expect(page.getByText(`imp-${run}.ada · ada.${run}@import.example · nickname Ada · Tier 2`)).toBeVisible();
  });

  test('a file with problems lists them by row and column, and imports nobody', async ({ page }) => {
    await page.goto('/users/import');
    await page
      .getByLabel('CSV file')
      .setInputFiles(
        csvFile('broken.csv', [
          `bad-${run}.one,not-an-email,Bad One,One,Support / Tier 1,Agent,,`,
          `bad-${run}.two,two.${run}@import.example,Bad Two,Two,Atlantis,Agent,,`,
          `bad-${run}.three,three.${run}@import.example,Bad Three,Three,Sales,Wizard,,`,
        ]),
      );
    await expect(alertOf(page)).toContainText('Nothing can be imported: 3 problems in 3 rows.');
    const problems = page.getByRole('table', { name: 'Problems in the file, by row' });
    const rows = problems.getByRole('row').filter({ has: page.getByRole('cell') });
    await expect(rows).toHaveCount(3);
    await expect(rows.nth(0)).toContainText(['2', 'Email', `bad-${run}.one`, 'Email is not a valid address'].join(''));
    await expect(rows.nth(1)).toContainText('There is no group "Atlantis".');
    await expect(rows.nth(2)).toContainText('There is no profile "Wizard".');
    await expect(page.getByRole('button', { name: /^Import \d/ })).toHaveCount(0);

    await page.goto(`/users?q=bad-${run}`);
    await expect(page.getByText('No users match these filters.')).toBeVisible();
  });
});

test.describe('manager imports into his own groups only', () => {
  test.use({ storageState: storageStateOf('manager') });

  test('a row in a group outside his structure stops the whole file', async ({ page }) => {
    await page.goto('/users/import');
    await page
      .getByLabel('CSV file')
      .setInputFiles(
        csvFile('team.csv', [
          `mgr-${run}.in,in.${run}@import.example,Inside Agent,In,Tier 1,Agent,,`,
          `mgr-${run}.out,out.${run}@import.example,Outside Agent,Out,Sales,Agent,,`,
        ]),
      );
    await expect(alertOf(page)).toContainText('Nothing can be imported: 1 problem in 2 rows.');
    await expect(page.getByRole('table', { name: 'Problems in the file, by row' })).toContainText('There is no group "Sales".');
  });
});
