import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import { expect, PERSONAS, storageStateOf, test, type Persona } from './fixtures';

/**
 * Every main page, for every persona, checked by axe against WCAG 2.1 A and AA: no violations at
 * all. A persona who may not see a page gets its "no access" or "not found" page, and that page is
 * checked as well.
 */
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

async function expectNoViolations(page: Page, label: string) {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  // Each rule with its first few elements: a repeated row would otherwise bury the message.
  const readable = violations.map((v) => {
    const nodes = v.nodes.slice(0, 3).map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\n/g, ' ')}`);
    const more = v.nodes.length > 3 ? [`    … and ${v.nodes.length - 3} more`] : [];
    return [`${v.id} (${v.impact}): ${v.help}`, ...nodes, ...more].join('\n');
  });
  expect(readable, `axe on ${label}`).toEqual([]);
}

/** Pages with an id in their address: found as the admin sees them, then visited by everyone. */
interface Targets {
  user: string;
  profile: string;
  role: string;
}
let targets: Targets;

async function findTargets(browser: Browser): Promise<Targets> {
  const context = await browser.newContext({ storageState: storageStateOf('admin') });
  const page = await context.newPage();
  const href = async (url: string, link: { name: string; exact?: boolean }) => {
    await page.goto(url);
    return (await page.getByRole('main').getByRole('link', link).first().getAttribute('href'))!;
  };
  const found = {
    user: await href('/users?q=alex', { name: 'Alex Agent', exact: true }),
    profile: await href('/profiles', { name: 'Agent', exact: true }),
    role: '/roles/agent-manager',
  };
  await context.close();
  return found;
}

const PAGES: { name: string; path: () => string }[] = [
  { name: 'home', path: () => '/' },
  { name: 'users list', path: () => '/users' },
  { name: "a user's page", path: () => targets.user },
  { name: 'new user form', path: () => '/users/new' },
  { name: 'import users', path: () => '/users/import' },
  { name: 'profiles list', path: () => '/profiles' },
  { name: 'profile editor', path: () => targets.profile },
  { name: 'new profile: choose a role', path: () => '/profiles/new' },
  { name: 'new profile: the editor', path: () => '/profiles/new?role=agent' },
  { name: 'compare profiles', path: () => '/profiles/compare' },
  { name: 'roles list', path: () => '/roles' },
  { name: 'role editor', path: () => targets.role },
  { name: 'new role: choose a base', path: () => '/roles/new' },
  { name: 'new role: the editor', path: () => '/roles/new?base=agent' },
  { name: 'groups', path: () => '/groups' },
  { name: 'skills', path: () => '/skills' },
  { name: 'audit', path: () => '/audit' },
  { name: 'settings', path: () => '/settings' },
  { name: 'account features', path: () => '/settings/features' },
  { name: 'API keys', path: () => '/settings/api-keys' },
  { name: 'API reference', path: () => '/settings/api' },
];

test.beforeAll(async ({ browser }) => {
  targets = await findTargets(browser);
});

test.describe('signed out', () => {
  test('the sign-in page', async ({ page }) => {
    await page.goto('/login');
    await expectNoViolations(page, '/login');
  });

  test('the sign-in page showing an error', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('Login name').fill('nobody');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').and(page.locator(':not(#__next-route-announcer__)'))).toBeVisible();
    await expectNoViolations(page, '/login with an error');
  });
});

for (const persona of PERSONAS) {
  test.describe(persona, () => {
    test.use({ storageState: storageStateOf(persona as Persona) });

    for (const { name, path } of PAGES) {
      test(name, async ({ page }) => {
        await page.goto(path());
        await expectNoViolations(page, `${path()} as ${persona}`);
      });
    }
  });
}

test.describe('admin, with a dialog open', () => {
  test.use({ storageState: storageStateOf('admin') });

  test("the profile editor's impact preview", async ({ page }) => {
    await page.goto(targets.profile);
    await page.locator('[role="switch"]:not([disabled])').first().click();
    await page.getByRole('button', { name: 'Save and apply' }).click();
    const preview = page.getByRole('alertdialog', { name: 'Impact preview' });
    await expect(preview).toBeVisible();
    await expectNoViolations(page, `${targets.profile} with the impact preview open`);
    await preview.getByRole('button', { name: 'Cancel' }).click();
    await expect(preview).toBeHidden();
  });

  test('the import preview and its problems', async ({ page }) => {
    await page.goto('/users/import');
    const file = (lines: string[]) => ({
      name: 'users.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(['Login name,Email,Name,Nickname', ...lines].join('\n')),
    });
    await page.getByLabel('CSV file').setInputFiles(file(['a11y.one,a11y.one@import.example,A11y One,One']));
    await expect(page.getByRole('button', { name: 'Import 1 user' })).toBeVisible();
    await expectNoViolations(page, '/users/import with a preview');
    await page.getByLabel('CSV file').setInputFiles(file(['a11y.two,not-mail,A11y Two,Two']));
    await expect(page.getByRole('table', { name: 'Problems in the file, by row' })).toBeVisible();
    await expectNoViolations(page, '/users/import with problems');
  });
});
