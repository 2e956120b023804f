import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { expect, storageStateOf, test } from './fixtures';

// A seeded agent no other spec touches, and a permission agents lack.
const SUBJECT = 'pablo.okafor';
const PERMISSION = "Join agents' conversations in group";

test.describe('an audit trail reader (admin)', () => {
  test.use({ storageState: storageStateOf('admin') });

  test('a grant made on a user page shows in the trail with its diff; filters narrow it; the export holds the filtered rows; "as of" shows the moment before', async ({
    page,
  }) => {
    const reason = `e2e audit ${Date.now()}`;
    // Seconds are what the "as of" form takes: this moment, to the second, is before the change.
    const before = new Date();
    await page.waitForTimeout(1100);

    await page.goto(`/users?q=${SUBJECT}`);
    await page.getByRole('table', { name: 'Users' }).getByRole('link', { name: 'Pablo Okafor' }).click();
    await page.getByLabel('Effect', { exact: true }).selectOption({ label: 'Grant a permission' });
    await page.getByLabel('Permission', { exact: true }).selectOption({ label: PERMISSION });
    await page.getByLabel('Reason', { exact: true }).fill(reason);
    await page.getByRole('button', { name: 'Add override' }).click();
    await expect(page.getByText('Override added.')).toBeVisible();

    // The grant is among the newest events: who, from where, which entity, what, and the readable diff.
    await page.goto('/audit');
    const events = page.getByRole('table', { name: 'Audit events' });
    const unfiltered = await events.getByRole('row').count();
    const newest = events.getByRole('row').filter({ hasText: reason });
    await expect(newest.getByRole('cell').nth(1)).toHaveText('admin');
    await expect(newest.getByRole('cell').nth(2)).toHaveText('UI');
    await expect(newest.getByRole('cell').nth(3)).toHaveText(`User: ${SUBJECT}`);
    await expect(newest.getByRole('cell').nth(4)).toHaveText('grant permission');
    const diff = newest.getByRole('listitem');
    await expect(diff.filter({ hasText: 'Permission:' })).toHaveText(`Permission: ${PERMISSION}`);
    await expect(diff.filter({ hasText: 'Reason:' })).toHaveText(`Reason: ${reason}`);

    // Filters, from the keyboard: the entity type, then the text, submitted with Enter.
    await page.getByLabel('Entity type', { exact: true }).selectOption({ label: 'User' });
    await page.getByLabel('Search', { exact: true }).fill(reason);
    await page.getByLabel('Search', { exact: true }).press('Enter');
    await expect(page).toHaveURL(/entityType=user/);
    await expect(events.getByRole('row')).toHaveCount(2); // the header and the one event
    expect(unfiltered).toBeGreaterThan(2);
    await expect(events.getByRole('row').nth(1)).toContainText(reason);
    await expect(page.getByLabel('Search', { exact: true })).toHaveValue(reason);

    // The export: the same filters, as CSV.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = parse(fs.readFileSync((await download.path())!, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ Who: 'admin', Source: 'UI', 'Entity type': 'user', Entity: SUBJECT, Action: 'grant-permission' });
    expect(rows[0]!.Changes).toContain(`Reason: ${reason}`);

    // A filter nothing matches says so, and offers a way back.
    await page.getByLabel('Search', { exact: true }).fill(`${reason} nothing else`);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page.getByText('No events match these filters.')).toBeVisible();
    await expect(events).toHaveCount(0);

    // "As of": before the grant he lacked the permission; now he has it, granted by the admin.
    await page.getByRole('link', { name: 'Permissions as of…' }).click();
    await page.getByLabel(/^User/).fill(SUBJECT);
    await page.getByLabel('Date and time (UTC)', { exact: true }).fill(before.toISOString().slice(0, 19));
    await page.getByRole('button', { name: 'Show permissions' }).click();
    await expect(page.getByRole('heading', { level: 2, name: new RegExp(`^${SUBJECT} as of ${before.toISOString().slice(0, 10)}`) })).toBeVisible();
    const has = page.getByRole('table', { name: 'Permissions he has' });
    await expect(has.getByRole('row').nth(1)).toBeVisible();
    await expect(has.getByRole('cell', { name: PERMISSION, exact: true })).toHaveCount(0);

    // A moment in the future is refused; this second (the grant is older) shows it.
    await page.getByLabel('Date and time (UTC)', { exact: true }).fill(new Date(Date.now() + 60_000).toISOString().slice(0, 19));
    await page.getByRole('button', { name: 'Show permissions' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'must not be in the future' })).toBeVisible();
    await page.getByLabel('Date and time (UTC)', { exact: true }).fill(new Date().toISOString().slice(0, 19));
    await page.getByRole('button', { name: 'Show permissions' }).click();
    const row = has.getByRole('row').filter({ has: page.getByRole('cell', { name: PERMISSION, exact: true }) });
    await expect(row).toContainText(`granted by Avery Admin: ${reason}`);
  });

  test('bad filters and an unknown user are named, not a crash', async ({ page }) => {
    await page.goto('/audit?from=2024-05-02&to=2024-05-01');
    await expect(page.getByRole('alert').filter({ hasText: 'To must not be before From' })).toBeVisible();
    await page.goto('/audit?actor=nobody-here');
    await expect(page.getByRole('alert').filter({ hasText: 'there is no user with the login name "nobody-here"' })).toBeVisible();
    await page.goto('/audit/as-of?user=nobody-here&at=2024-05-01T10:00');
    await expect(page.getByRole('alert').filter({ hasText: 'there is no user with the login name "nobody-here"' })).toBeVisible();
  });
});

for (const persona of ['manager', 'agent'] as const) {
  test.describe(`${persona}, without "View and export audit trail"`, () => {
    test.use({ storageState: storageStateOf(persona) });

    test('gets "You don\'t have access" on the trail and "as of", and the export is refused by the server', async ({ page }) => {
      await page.goto('/audit');
      await expect(page.getByRole('heading', { level: 1, name: /You don't have access/ })).toBeVisible();
      await expect(page.getByRole('table', { name: 'Audit events' })).toHaveCount(0);
      await page.goto(`/audit/as-of?user=${SUBJECT}&at=2024-05-01T10:00`);
      await expect(page.getByRole('heading', { level: 1, name: /You don't have access/ })).toBeVisible();
      const response = await page.request.get('/audit/export');
      expect(response.status()).toBe(403);
      expect(await response.text()).toContain('View and export audit trail');
    });
  });
}
