import { expect, test as base, type Page } from '@playwright/test';
import path from 'node:path';

export const DEMO_PASSWORD = 'e2e-demo-password';
export const PERSONAS = ['admin', 'manager', 'agent'] as const;
export type Persona = (typeof PERSONAS)[number];

/** One stored login state per persona, written by auth.setup.ts. */
export const storageStateOf = (persona: Persona) => path.join(__dirname, '.auth', `${persona}.json`);

export async function signIn(page: Page, loginName: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
  await page.getByLabel('Login name').fill(loginName);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();
}

/** The page's alert; Next.js adds an empty route announcer with role="alert" that is not ours. */
export const alertOf = (page: Page) => page.getByRole('alert').and(page.locator(':not(#__next-route-announcer__)'));

/** Every navigation by `page.goto` waits until React has hydrated the page (see HydrationMarker). */
export const test = base.extend({
  page: async ({ page }, use) => {
    const goto = page.goto.bind(page);
    page.goto = async (url, options) => {
      const response = await goto(url, options);
      await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
      return response;
    };
    await use(page);
  },
});
export { expect };

/** Keys created through Settings → API keys by api-keys.setup.ts, one per persona, one revoked, one limited to 3 calls a minute. */
export type ApiKeys = Record<Persona | 'revoked' | 'limited', string>;
export const apiKeysFile = path.join(__dirname, '.auth', 'api-keys.json');
