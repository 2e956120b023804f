import { expect, type Persona, storageStateOf, test } from './fixtures';

const AREAS = ['Users', 'Profiles', 'Roles', 'Groups', 'Skills', 'Audit', 'Settings'];
const expected: Record<Persona, string[]> = {
  admin: AREAS,
  manager: ['Users', 'Profiles', 'Groups', 'Skills'],
  agent: [],
};

for (const persona of Object.keys(expected) as Persona[]) {
  test.describe(persona, () => {
    test.use({ storageState: storageStateOf(persona) });

    test(`the navigation shows exactly the areas ${persona} may use, and each opens`, async ({ page }) => {
      await page.goto('/');
      const nav = page.getByRole('navigation', { name: 'Main' });
      await expect(nav.getByRole('link')).toHaveText(expected[persona]);
      for (const area of expected[persona]) {
        await nav.getByRole('link', { name: area }).click();
        await expect(page.getByRole('heading', { level: 1, name: area })).toBeVisible();
        await expect(nav.getByRole('link', { name: area })).toHaveAttribute('aria-current', 'page');
      }
      for (const area of AREAS.filter((a) => !expected[persona].includes(a))) {
        await page.goto(`/${area.toLowerCase()}`);
        await expect(page.getByRole('heading', { level: 1, name: /You don't have access/ })).toBeVisible();
      }
    });
  });
}

test.describe('manager', () => {
  test.use({ storageState: storageStateOf('manager') });

  test('sees only the groups of his subtree', async ({ page }) => {
    await page.goto('/groups');
    await expect(page.getByRole('table', { name: 'Groups' }).getByRole('row')).toHaveCount(4);
    await expect(page.getByRole('cell', { name: 'Sales' })).toHaveCount(0);
  });
});
