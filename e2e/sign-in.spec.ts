import { alertOf, DEMO_PASSWORD, expect, signIn, test } from './fixtures';

test.describe('signing in', () => {
  test('a signed-out visitor is sent to sign-in', async ({ page }) => {
    await page.goto('/users');
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('heading', { name: 'Switchboard' })).toBeVisible();
  });

  test('a wrong password says only that the login name or password is wrong', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('Login name').fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(alertOf(page)).toHaveText('Wrong login name or password.');
    await expect(page).toHaveURL(/\/login$/);
  });

  test('an unknown login name gets the same message', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('Login name').fill('nobody-by-this-name');
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(alertOf(page)).toHaveText('Wrong login name or password.');
  });

  test('empty and oversized input get a clear message, not an error page', async ({ page }) => {
    await page.goto('/login');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByText('Login name is required')).toBeVisible();
    await expect(page.getByText('Password is required')).toBeVisible();

    await page.getByLabel('Login name').fill('x'.repeat(11_000));
    await page.getByLabel('Password').fill('whatever');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByText('Login name is too long (at most 200 characters)')).toBeVisible();
  });

  test('signing in, then out', async ({ page }) => {
    await signIn(page, 'sales');
    await expect(page.getByLabel('Signed in as')).toContainText('Sam Sales');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto('/');
    await expect(page).toHaveURL(/\/login$/);
  });
});
