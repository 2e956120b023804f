import { defineConfig } from '@playwright/test';

/**
 * `npm run test:robustness`: the production server (`npm run build` first) under concurrency,
 * a second writer, SIGKILL, a long lock and a full disk. No browser; one test at a time, each
 * with servers and databases of its own.
 */
export default defineConfig({
  testDir: './e2e/robustness',
  testMatch: /\.spec\.ts$/,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 120_000,
  reporter: [['list']],
});
