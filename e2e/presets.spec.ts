import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_PASSWORD, expect, signIn, test } from './fixtures';

/**
 * Each preset from an empty database: a server of its own (the same build) on a fresh file,
 * started the way `npm start` does, and its admin signs in.
 */
const PRESETS = [
  { preset: 'aivo', port: 3302, admin: 'Avery Admin', areas: ['Users', 'Profiles', 'Roles', 'Groups', 'Audit', 'Settings'], lowestRole: 'Agent' },
  { preset: 'livecaller', port: 3301, admin: 'Avery Admin', areas: ['Users', 'Profiles', 'Roles', 'Audit', 'Settings'], lowestRole: 'Operator' },
];

async function startServer(preset: string, port: number): Promise<ChildProcess> {
  const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), `switchboard-${preset}-`)), 'switchboard.db');
  const child = spawn(process.execPath, [path.join('node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/start.ts', '--no-build'], {
    env: {
      ...process.env,
      PORT: String(port),
      SWITCHBOARD_DB: db,
      SWITCHBOARD_PRESET: preset,
      SWITCHBOARD_DEMO_PASSWORD: DEMO_PASSWORD,
      NEXT_TELEMETRY_DISABLED: '1',
    },
    stdio: 'ignore',
  });
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/login`)).ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill();
  throw new Error(`the ${preset} server did not start`);
}

for (const p of PRESETS) {
  test.describe(`the ${p.preset} preset`, () => {
    let server: ChildProcess;
    test.beforeAll(async () => {
      server = await startServer(p.preset, p.port);
    });
    test.afterAll(() => {
      server?.kill();
    });
    test.use({ baseURL: `http://127.0.0.1:${p.port}`, storageState: { cookies: [], origins: [] } });

    test('starts from an empty database and its admin signs in', async ({ page }) => {
      await signIn(page, 'admin');
      await expect(page.getByLabel('Signed in as')).toContainText(p.admin);
      await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link')).toHaveText(p.areas);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Roles' }).click();
      await expect(page.getByText(p.lowestRole, { exact: true }).first()).toBeVisible();
    });

    if (p.preset === 'aivo') {
      test('a Supervisor Agent cannot assign the Administrator role to anyone, himself included', async ({ page }) => {
        await signIn(page, 'supagent');
        await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link')).toHaveText(['Users', 'Groups']);
        await page.goto('/users?q=alex');
        await page.getByRole('table', { name: 'Users' }).getByRole('cell').getByRole('link').first().click();
        await expect(page.getByRole('heading', { name: 'Alex Agent' })).toBeVisible();
        await expect(page.getByLabel('Assign a profile').locator('option', { hasText: '(Administrator)' })).toHaveCount(0);
        await expect(page.getByLabel('Assign a profile').locator('option', { hasText: '(Supervisor Agent)' })).toHaveCount(1);
        await page.goto('/users?q=santiago');
        await page.getByRole('table', { name: 'Users' }).getByRole('cell').getByRole('link').first().click();
        await expect(page.getByText('Nobody changes his own profiles; another administrator can.')).toBeVisible();
        await page.goto('/audit');
        await expect(page.getByRole('heading', { level: 1, name: /You don't have access/ })).toBeVisible();
      });
    }
  });
}
