import { defineConfig, devices } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';

/**
 * End-to-end tests against a production build (`npm run build` first) on a temporary database
 * seeded fresh for this run. Workers re-read this file: the env var keeps one database per run.
 */
process.env.E2E_DB ??= path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-e2e-')), 'switchboard.db');
const PORT = Number(process.env.E2E_PORT ?? 3100);
export const DEMO_PASSWORD = 'e2e-demo-password';

/** Playwright cannot download browsers here: use a Chromium that is already on the machine. */
function chromiumExecutable(): string | undefined {
  const candidates = [process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const c of candidates) if (c && fs.existsSync(c)) return c;
  let bundled: string | undefined;
  try {
    bundled = chromium.executablePath();
  } catch {
    bundled = undefined;
  }
  if (bundled && fs.existsSync(bundled)) return undefined; // Playwright's own
  throw new Error(
    'No Chromium found for the end-to-end tests. Set PLAYWRIGHT_CHROMIUM_EXECUTABLE, or install one: ' +
      '`npx playwright install chromium`, or on Debian `apt-get install chromium`.',
  );
}
const executablePath = chromiumExecutable();

export default defineConfig({
  testDir: './e2e',
  testIgnore: '**/robustness/**',
  fullyParallel: false,
  workers: process.env.CI ? 1 : 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'retain-on-failure',
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [
    { name: 'setup', testMatch: /auth\.setup\.ts/ },
    { name: 'api-keys', testMatch: /api-keys\.setup\.ts/, dependencies: ['setup'] },
    { name: 'chromium', use: { ...devices['Desktop Chrome'] }, dependencies: ['setup', 'api-keys'] },
  ],
  webServer: {
    command: 'npx tsx scripts/start.ts --no-build',
    url: `http://127.0.0.1:${PORT}/login`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: {
      PORT: String(PORT),
      SWITCHBOARD_DB: process.env.E2E_DB,
      SWITCHBOARD_DEMO_PASSWORD: DEMO_PASSWORD,
      NEXT_TELEMETRY_DISABLED: '1',
      // The request log is tested in the robustness suite; here it would drown the test output.
      SWITCHBOARD_LOG_LEVEL: 'warn',
    },
    stdout: 'pipe',
  },
});
