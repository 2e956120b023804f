import { alertOf, expect, storageStateOf, test } from './fixtures';

const usersTable = (page: import('@playwright/test').Page) => page.getByRole('table', { name: 'Users' });
/** The texts of one column, found by its header, of the rows on this page. */
async function column(page: import('@playwright/test').Page, header: string) {
  const headers = (await usersTable(page).getByRole('columnheader').allTextContents()).map((h) => h.replace(/[▲▼]|, sort \w+/g, '').trim());
  const index = headers.indexOf(header);
  expect(index, `column ${header} in ${headers.join('|')}`).toBeGreaterThanOrEqual(0);
  return usersTable(page)
    .getByRole('row')
    .filter({ has: page.getByRole('cell') })
    .locator(`td:nth-child(${index + 1})`)
    .allTextContents();
}
const loginNames = (page: import('@playwright/test').Page) => column(page, 'Login name');

test.describe('admin', () => {
  test.use({ storageState: storageStateOf('admin') });

  test('sees the users list, pages through it, searches and filters by group', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
    // Other specs add users as they run: the seed's 44 are the least there can be.
    const total = Number((await page.getByRole('status').filter({ hasText: 'users' }).textContent())!.match(/^(\d+) users$/)![1]);
    expect(total).toBeGreaterThanOrEqual(44);
    const first = await loginNames(page);
    expect(first).toHaveLength(20);

    await page.getByRole('link', { name: 'Next page' }).click();
    await expect(page).toHaveURL(/after=/);
    const second = await loginNames(page);
    expect(second).toHaveLength(20);
    expect(second.filter((l) => first.includes(l))).toEqual([]);
    await page.getByRole('link', { name: 'Previous page' }).click();
    await expect(page).toHaveURL(/before=/);
    expect(await loginNames(page)).toEqual(first);

    await page.getByLabel('Search users').fill('morgan');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'user' })).toHaveText('1 user match');
    expect(await loginNames(page)).toEqual(['manager']);

    await page.getByRole('link', { name: 'Clear filters' }).first().click();
    await expect(page).toHaveURL(/\/users$/);
    await expect(page.getByLabel('Search users')).toHaveValue('');
    await page.getByLabel('Group', { exact: true }).selectOption({ label: 'Sales' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(/group=/);
    const sales = usersTable(page)
      .getByRole('row')
      .filter({ has: page.getByRole('cell') });
    await expect(sales.first()).toBeVisible();
    for (const group of await column(page, 'Group')) expect(group).toBe('Sales');
    expect(await loginNames(page)).toContain('sales');
  });

  test('sorts by login name both ways', async ({ page }) => {
    await page.goto('/users?sort=loginName&dir=asc');
    const asc = await loginNames(page);
    expect(asc).toEqual([...asc].sort((a, b) => a.localeCompare(b)));
    await page.getByRole('link', { name: /^Login name/ }).click();
    await expect(page).toHaveURL(/dir=desc/);
    await expect(page.getByRole('columnheader', { name: /Login name/ })).toHaveAttribute('aria-sort', 'descending');
    const desc = await loginNames(page);
    expect(desc).toEqual([...desc].sort((a, b) => b.localeCompare(a)));
  });

  test('no match shows an empty state; bad filters a clear message', async ({ page }) => {
    await page.goto('/users?q=zzzz-no-such-user');
    await expect(page.getByText('No users match these filters.')).toBeVisible();
    await page.goto(`/users?q=${'a'.repeat(300)}`);
    await expect(alertOf(page)).toContainText('Search is too long');
    await page.goto('/users?status=sleeping');
    await expect(alertOf(page)).toContainText('Status must be active or deactivated');
    await page.goto('/users?after=not-a-cursor');
    await expect(alertOf(page)).toContainText('start from the first page');
  });
});

test.describe('agent manager', () => {
  test.use({ storageState: storageStateOf('manager') });

  test('sees exactly the users of his Support subtree', async ({ page }) => {
    await page.goto('/users?pageSize=100');
    const groups = await column(page, 'Group');
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) expect(['Support', 'Tier 1', 'Tier 2']).toContain(g);
    expect(await loginNames(page)).not.toContain('sales');
    // Sales is not even offered as a filter, and asking for it directly finds nobody.
    await expect(page.getByLabel('Group', { exact: true }).locator('option', { hasText: 'Sales' })).toHaveCount(0);
    await page.goto('/users?q=sales');
    await expect(page.getByText('No users match these filters.')).toBeVisible();
  });
});

test.describe('agent', () => {
  test.use({ storageState: storageStateOf('agent') });

  test('is refused the users list with a clear page', async ({ page }) => {
    await page.goto('/users');
    await expect(page.getByRole('heading', { name: "You don't have access to the users list" })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' })).toHaveCount(0);
  });
});
