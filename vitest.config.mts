import { defineConfig } from 'vitest/config';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@': root,
      // 'server-only' throws outside React Server Components; unit tests run the server code directly.
      'server-only': path.join(root, 'lib/testing/empty-module.ts'),
    },
  },
  test: {
    include: ['lib/**/*.test.ts', 'seeds/**/*.test.ts', 'db/**/*.test.ts', 'app/**/*.test.ts'],
    environment: 'node',
    // The structured log stays quiet in unit tests (tests that need a line read it from the server).
    env: { SWITCHBOARD_LOG_LEVEL: 'silent' },
    // A directory per run for the test databases; the seeded templates they copy are built in it (lib/testing/db.ts).
    globalSetup: ['lib/testing/global-setup.ts'],
    // next-auth imports 'next/server' without an extension; let Vite resolve it.
    server: { deps: { inline: ['next-auth'] } },
    pool: 'forks',
    maxWorkers: 2,
  },
});
