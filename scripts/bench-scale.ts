/**
 * Measures for the scale issue, meant to be imported by `npm run bench` and printed there; run on
 * its own, `npm run bench:scale -- [--db file]` prints them for a seed:large database (made in a
 * temporary directory when none is given). Measured, never asserted in a test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { eq, sql } from 'drizzle-orm';
import { openDatabase, setDbForTesting, type DB } from '@/db/client';
import * as t from '@/db/schema';
import { seedLargeDatabase } from '@/db/seed-large';
import { loadPrincipal, type Principal } from '@/lib/dal/principal';
import { importUsers, listUsers } from '@/lib/dal/users';
import { groupLabels } from '@/lib/dal/users/export';
import { stringify } from 'csv-stringify/sync';

export interface Timing {
  label: string;
  /** Milliseconds spent inside SQLite statements per call. */
  sqlP50: number;
  sqlP95: number;
  /** The whole verb per call: SQL, authorization and shaping. */
  callP50: number;
  callP95: number;
}

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

/**
 * Time spent in SQLite, counted by wrapping better-sqlite3's statement methods: what the
 * database costs, apart from what JavaScript does around it.
 */
function sqlClock() {
  const proto = Database.prototype.prepare.call(new Database(':memory:'), 'select 1').constructor.prototype as Record<string, unknown>;
  let spent = 0;
  const originals = new Map<string, (...args: unknown[]) => unknown>();
  for (const name of ['all', 'get', 'run', 'iterate']) {
    const original = proto[name] as (...args: unknown[]) => unknown;
    originals.set(name, original);
    proto[name] = function (this: unknown, ...args: unknown[]) {
      const start = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        spent += performance.now() - start;
      }
    };
  }
  return {
    measure(fn: () => void): { sql: number; call: number } {
      spent = 0;
      const start = performance.now();
      fn();
      return { sql: spent, call: performance.now() - start };
    },
    restore() {
      for (const [name, original] of originals) proto[name] = original;
    },
  };
}

function timeCalls(label: string, rounds: number, fn: () => void): Timing {
  const clock = sqlClock();
  try {
    for (let i = 0; i < 5; i++) fn(); // warm the page cache and the statement cache
    const samples = Array.from({ length: rounds }, () => clock.measure(fn));
    const sqls = samples.map((s) => s.sql);
    const calls = samples.map((s) => s.call);
    return { label, sqlP50: percentile(sqls, 50), sqlP95: percentile(sqls, 95), callP50: percentile(calls, 50), callP95: percentile(calls, 95) };
  } finally {
    clock.restore();
  }
}

function adminOf(db: DB): Principal {
  const admin = db.select().from(t.users).where(eq(t.users.loginName, 'admin')).get()!;
  return loadPrincipal(admin.id, admin.sessionVersion, 'ui')!;
}

/**
 * The users list at seed:large size, as the admin sees it: page 1, a search, a group filter (a
 * department with its teams), a profile filter and a page deep in the list (by keyset cursor).
 */
export function benchUsersList(db: DB, rounds = 200): { users: number; timings: Timing[] } {
  setDbForTesting(db);
  const ctx = adminOf(db);
  const users = db
    .select({ n: sql<number>`count(*)` })
    .from(t.users)
    .get()!.n;
  const department = db.select().from(t.groups).where(eq(t.groups.name, 'Billing')).get()!;
  const profile = db.select().from(t.profiles).where(eq(t.profiles.name, 'Agent - Senior')).get()!;
  // Walk halfway down the list by cursors, as someone paging would.
  let deep = listUsers({ ctx, input: { pageSize: 100 } });
  for (let i = 1; i < Math.floor(users / 200) && deep.next; i++) deep = listUsers({ ctx, input: { pageSize: 100, after: deep.next } });
  const timings = [
    timeCalls('page 1', rounds, () => listUsers({ ctx, input: {} })),
    timeCalls('search "kowalski"', rounds, () => listUsers({ ctx, input: { q: 'kowalski' } })),
    timeCalls(`group filter (${department.name}, with its teams)`, rounds, () => listUsers({ ctx, input: { group: department.id } })),
    timeCalls(`profile filter (${profile.name})`, rounds, () => listUsers({ ctx, input: { profile: profile.id } })),
    timeCalls('deep page (keyset, halfway down)', rounds, () => listUsers({ ctx, input: { after: deep.next } })),
  ];
  return { users, timings };
}

/**
 * Import `rows` new agents without passwords from CSV (the export's columns) into `db`, as the
 * admin: the preview (the whole import, rolled back) and the import itself, each timed from the
 * CSV text to the answer. Changes `db`: pass a copy.
 */
export async function benchImportUsers(db: DB, rows = 10_000): Promise<{ rows: number; created: number; bytes: number; previewMs: number; applyMs: number }> {
  setDbForTesting(db);
  const ctx = adminOf(db);
  const groups = db.select({ id: t.groups.id, parentId: t.groups.parentId, name: t.groups.name }).from(t.groups).all();
  const parents = new Set(groups.map((g) => g.parentId));
  // Teams (the leaves), by their path: team names repeat across sites.
  const paths = groupLabels(groups, true);
  const teams = groups.filter((g) => !parents.has(g.id)).map((g) => paths.get(g.id)!);
  const profiles = db
    .select({ name: t.profiles.name })
    .from(t.profiles)
    .where(eq(t.profiles.roleKey, 'agent'))
    .all()
    .map((p) => p.name);
  const skills = db
    .select({ name: t.skills.name })
    .from(t.skills)
    .all()
    .map((s) => s.name);
  const header = ['Login name', 'Email', 'Name', 'Nickname', 'Group', 'Profiles', 'Skills', 'Max chats'];
  const csv = stringify(
    Array.from({ length: rows }, (_, i) => [
      `import.${i}`,
      `import.${i}@import.example`,
      `Imported Agent ${i}`,
      `Agent ${i}`,
      teams[i % teams.length],
      profiles[i % profiles.length],
      [skills[i % skills.length], skills[(i + 1) % skills.length]].join('; '),
      1 + (i % 6),
    ]),
    { header: true, columns: header },
  );
  let start = performance.now();
  const preview = await importUsers({ ctx, input: { csv, preview: true } });
  const previewMs = performance.now() - start;
  if (preview.problemCount) throw new Error(`the bench file has problems: ${JSON.stringify(preview.problems.slice(0, 3))}`);
  start = performance.now();
  const result = await importUsers({ ctx, input: { csv, preview: false } });
  return { rows, created: result.created, bytes: Buffer.byteLength(csv), previewMs, applyMs: performance.now() - start };
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  let file = option('db');
  let temp: string | undefined;
  if (!file) {
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-scale-'));
    file = path.join(temp, 'large.db');
    const seeded = await seedLargeDatabase({ file, users: Number(option('users') ?? 100_000), demoPassword: 'bench-password' });
    seeded.prepared.db.$client.close();
    console.log(`seed:large, ${seeded.counts.users.toLocaleString('en')} users: ${(seeded.ms / 1000).toFixed(1)} s`);
  }
  const db = openDatabase(file);
  const { users, timings } = benchUsersList(db);
  console.log(`\nUsers list at ${users.toLocaleString('en')} users (ms per call; SQL = time inside SQLite)\n`);
  console.log('| query | SQL p50 | SQL p95 | call p50 | call p95 |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of timings) console.log(`| ${r.label} | ${r.sqlP50.toFixed(3)} | ${r.sqlP95.toFixed(3)} | ${r.callP50.toFixed(3)} | ${r.callP95.toFixed(3)} |`);
  db.$client.close();

  // The import changes the database: measure it on a copy.
  const copyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-import-'));
  const copy = path.join(copyDir, 'import.db');
  const source = new Database(file, { readonly: true });
  await source.backup(copy);
  source.close();
  const target = openDatabase(copy);
  const imported = await benchImportUsers(target);
  console.log(
    `\nImport ${imported.rows.toLocaleString('en')} users without passwords from CSV (${(imported.bytes / 1024).toFixed(0)} KB) into ${users.toLocaleString('en')}: ` +
      `preview ${(imported.previewMs / 1000).toFixed(2)} s, import ${(imported.applyMs / 1000).toFixed(2)} s (${imported.created.toLocaleString('en')} created; goal ≤ 10 s)`,
  );
  target.$client.close();
  fs.rmSync(copyDir, { recursive: true, force: true });
  if (temp) fs.rmSync(temp, { recursive: true, force: true });
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
