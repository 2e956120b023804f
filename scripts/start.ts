/**
 * `npm start`: prepare the database (migrate; seed when empty), print the demo sign-ins, build
 * the console if there is no current build, then serve it. `--no-build` serves what is built.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readEnv } from '@/lib/env';
import { demoSignInLines, prepareDatabase } from '@/db/setup';

const root = process.cwd();
const SOURCES = ['app', 'components', 'lib', 'db', 'seeds', 'public', 'next.config.ts', 'proxy.ts', 'package.json', 'postcss.config.mjs'];

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

function buildIsCurrent(): boolean {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  if (!fs.existsSync(buildId)) return false;
  const built = fs.statSync(buildId).mtimeMs;
  return SOURCES.every((s) => newestMtime(path.join(root, s)) <= built);
}

async function main() {
  process.env.NEXT_TELEMETRY_DISABLED ??= '1'; // no network calls from a console on a closed network
  const env = readEnv();
  const prepared = await prepareDatabase({ file: env.SWITCHBOARD_DB, preset: env.SWITCHBOARD_PRESET, demoPassword: env.SWITCHBOARD_DEMO_PASSWORD });
  prepared.db.$client.close();
  console.log(
    prepared.seeded
      ? `Created ${env.SWITCHBOARD_DB} and seeded the ${prepared.preset} catalog and demo account.`
      : `Using ${env.SWITCHBOARD_DB} (migrated; existing data kept).`,
  );
  for (const line of demoSignInLines(prepared, env.SWITCHBOARD_DEMO_PASSWORD)) console.log(line);

  const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
  const server = path.join(root, 'scripts', 'server.mjs');
  const dev = process.argv.includes('--dev');
  if (!dev && !process.argv.includes('--no-build') && !buildIsCurrent()) {
    console.log('Building the console (first start or sources changed)…');
    const build = spawnSync(process.execPath, [nextBin, 'build'], { stdio: 'inherit', env: process.env });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  // scripts/server.mjs: Next.js with a request id and one JSON log line per request.
  const child = spawn(process.execPath, [server, ...(dev ? ['--dev'] : [])], {
    stdio: 'inherit',
    env: { ...process.env, PORT: String(env.PORT), AUTH_SECRET: env.AUTH_SECRET ?? prepared.authSecret, SWITCHBOARD_DB: env.SWITCHBOARD_DB },
  });
  console.log(`Switchboard: http://localhost:${env.PORT}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
