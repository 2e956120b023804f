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
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto('/');
    await expect(page).toHaveURL(/\/login$/);
  });

  test('signing out ends the session on the server: the old cookie, replayed, opens no page and runs no action', async ({ page, browser }) => {
    await signIn(page, 'sales');
    const cookies = await page.context().cookies();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(page).toHaveURL(/\/login$/);
    const replay = await browser.newContext();
    try {
      await replay.addCookies(cookies);
      const stale = await replay.newPage();
      await stale.goto('/');
      await expect(stale).toHaveURL(/\/login$/);
    } finally {
      await replay.close();
    }
  });

  test("Auth.js's own sign-out route ends the server session too", async ({ page, browser }) => {
    await signIn(page, 'sales');
    const cookies = await page.context().cookies();
    const { csrfToken } = (await (await page.request.get('/api/auth/csrf')).json()) as { csrfToken: string };
    const out = await page.request.post('/api/auth/signout', { form: { csrfToken }, maxRedirects: 0 });
    expect(out.status()).toBeLessThan(400);
    const replay = await browser.newContext();
    try {
      await replay.addCookies(cookies);
      const stale = await replay.newPage();
      await stale.goto('/users');
      await expect(stale).toHaveURL(/\/login/);
    } finally {
      await replay.close();
    }
  });

  test('a browser where he signed in before still opens while others have locked his name by guessing', async ({ page, browser }) => {
    await signIn(page, 'tara.okafor');
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(page).toHaveURL(/\/login$/);
    // Someone else, elsewhere, guesses until the name locks.
    const elsewhere = await browser.newContext();
    try {
      const guesser = await elsewhere.newPage();
      for (let i = 0; i < 5; i++) {
        await guesser.goto('/login');
        await guesser.getByLabel('Login name').fill('tara.okafor');
        await guesser.getByLabel('Password').fill(`wrong-guess-${i}`);
        await guesser.getByRole('button', { name: 'Sign in' }).click();
        await expect(alertOf(guesser)).toBeVisible();
      }
      await guesser.goto('/login');
      await guesser.getByLabel('Login name').fill('tara.okafor');
      await guesser.getByLabel('Password').fill(DEMO_PASSWORD);
      await guesser.getByRole('button', { name: 'Sign in' }).click();
      await expect(alertOf(guesser)).toHaveText(/Too many failed sign-ins/);
    } finally {
      await elsewhere.close();
    }
    // His own browser, known from before, still signs in.
    await signIn(page, 'tara.okafor');
    await expect(page.getByLabel('Signed in as')).toContainText('Tara Okafor');
  });
});

test.describe('sign out everywhere', () => {
  test('ends his sessions in every browser: the other one is sent to sign-in on its next page', async ({ page, browser }) => {
    const other = await browser.newContext();
    try {
      const there = await other.newPage();
      await signIn(there, 'ben.okafor');
      await signIn(page, 'ben.okafor');
      await page.getByRole('button', { name: 'Sign out everywhere' }).click();
      await expect(page).toHaveURL(/\/login$/);
      await there.goto('/');
      await expect(there).toHaveURL(/\/login$/);
    } finally {
      await other.close();
    }
  });
});

test.describe('security headers', () => {
  test('every page carries a strict CSP with a nonce, denies framing and keeps the referrer; the favicon answers', async ({ request }) => {
    for (const path of ['/login', '/', '/users', '/users/new', '/profiles', '/roles', '/groups', '/skills', '/audit', '/settings', '/no-such-page']) {
      const r = await request.get(path, { maxRedirects: 0 });
      const csp = r.headers()['content-security-policy'] ?? '';
      expect(csp, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("object-src 'none'");
      expect(r.headers()['x-frame-options'], path).toBe('DENY');
      expect(r.headers()['referrer-policy'], path).toBe('same-origin');
      expect(r.headers()['x-content-type-options'], path).toBe('nosniff');
    }
    const icon = await request.get('/favicon.ico');
    expect(icon.status()).toBe(200);
    expect(icon.headers()['content-type']).toMatch(/image/);
  });

  test('the pages run under that CSP: no violation while signing in and using the console', async ({ page }) => {
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) violations.push(m.text());
    });
    await signIn(page, 'sales');
    await expect(page.getByLabel('Signed in as')).toContainText('Sam Sales');
    expect(violations).toEqual([]);
  });
});
