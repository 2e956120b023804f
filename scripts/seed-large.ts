/**
 * `npm run seed:large -- --users 100000 [--db path] [--replace]`: a large database to measure the
 * console with (see db/seed-large.ts). Never touches an existing database unless --replace says so.
 */
import path from 'node:path';
import { demoSignInLines } from '@/db/setup';
import { LargeSeedRefusal, seedLargeDatabase } from '@/db/seed-large';
import { readEnv } from '@/lib/env';

const DEFAULT_DB = './data/switchboard-large.db';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const env = readEnv();
  const file = option('db') ?? DEFAULT_DB;
  const users = Number((option('users') ?? '100000').replace(/[_,]/g, ''));
  if (path.resolve(file) === path.resolve(env.SWITCHBOARD_DB) && !process.argv.includes('--replace')) {
    console.error(`${file} is the console's own database (SWITCHBOARD_DB); choose another --db.`);
    process.exit(1);
  }
  console.log(`Seeding ${users.toLocaleString('en')} users into ${file}…`);
  const result = await seedLargeDatabase({
    file,
    users,
    replace: process.argv.includes('--replace'),
    ...(env.SWITCHBOARD_DEMO_PASSWORD ? { demoPassword: env.SWITCHBOARD_DEMO_PASSWORD } : {}),
  });
  result.prepared.db.$client.close();
  const c = result.counts;
  console.log(
    `Done in ${(result.ms / 1000).toFixed(1)} s: ${c.users.toLocaleString('en')} users, ${c.groups} groups, ${c.profiles} profiles, ` +
      `${c.userProfiles.toLocaleString('en')} profile assignments, ${c.managers.toLocaleString('en')} managers, ${c.overrides.toLocaleString('en')} overrides.`,
  );
  for (const line of demoSignInLines(result.prepared, env.SWITCHBOARD_DEMO_PASSWORD)) console.log(line);
  console.log(`Every generated user signs in with the demo password too. Serve it: SWITCHBOARD_DB=${file} npm start`);
}

main().catch((error: unknown) => {
  console.error(error instanceof LargeSeedRefusal ? error.message : error);
  process.exit(1);
});
