/**
 * `npm run bench`: measured, never asserted. Builds a temporary database, gives one profile
 * 20,000 holders, and times the operations that must not grow with them. Prints one table.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import { migrateDatabase, openDatabase, setDbForTesting } from '@/db/client';
import { seedDatabase } from '@/db/seed';
import * as t from '@/db/schema';
import { loadPrincipal, readEffectiveInput } from '@/lib/dal/principal';
import { getProfile, saveProfile } from '@/lib/dal/profiles';
import { listUsers } from '@/lib/dal/users';
import { effectivePermissions } from '@/lib/permissions/effective';
import { presetCatalog } from '@/seeds/presets';

const HOLDERS = Number(process.env.BENCH_HOLDERS ?? 20_000);
const ROUNDS = 15;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function time(rounds: number, fn: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'));
  const db = openDatabase(path.join(dir, 'bench.db'));
  migrateDatabase(db);
  const catalog = presetCatalog('liveperson');
  await seedDatabase(db, catalog, 'bench-password');
  setDbForTesting(db);

  const agentProfile = db.select().from(t.profiles).where(eq(t.profiles.name, 'Agent')).get()!;
  const group = db.select().from(t.groups).where(eq(t.groups.name, 'Tier 1')).get()!;
  const insertUser = db.$client.prepare("insert into users (login_name, email, name, nickname, password_hash, group_id) values (?, ?, ?, ?, 'x', ?)");
  const insertHolder = db.$client.prepare("insert into user_profiles (user_id, role_key, profile_id, version) values (?, 'agent', ?, 1)");
  db.$client.transaction(() => {
    for (let i = 0; i < HOLDERS; i++) {
      const id = Number(insertUser.run(`bench.${i}`, `bench.${i}@example.com`, `Bench User ${i}`, `B${i}`, group.id).lastInsertRowid);
      insertHolder.run(id, agentProfile.id);
    }
  })();

  const admin = db.select().from(t.users).where(eq(t.users.loginName, 'admin')).get()!;
  const ctx = () => loadPrincipal(admin.id, admin.sessionVersion, 'ui')!;
  const rows: [string, string][] = [];

  // Save and apply on a profile held by HOLDERS users.
  const changes = () => (db.$client.prepare('select total_changes() as n').get() as { n: number }).n;
  const perSave: number[] = [];
  const saveMs = time(ROUNDS, () => {
    const p = getProfile({ ctx: ctx(), input: { id: agentProfile.id } });
    const toggled = p.permissions.includes('set-manual-sla-for-conversations')
      ? p.permissions.filter((k) => k !== 'set-manual-sla-for-conversations')
      : [...p.permissions, 'set-manual-sla-for-conversations'];
    const before = changes();
    saveProfile({
      ctx: ctx(),
      input: { id: p.id, rowVersion: p.rowVersion, name: p.name, description: p.description, permissions: toggled, note: '', mode: 'apply' },
    });
    perSave.push(changes() - before);
  });
  const holders = db.$client.prepare('select count(*) as n from user_profiles where profile_id = ?').get(agentProfile.id) as { n: number };
  rows.push([`Save and apply, profile held by ${holders.n.toLocaleString('en')} users: rows written`, `${Math.max(...perSave)} (every round)`]);
  rows.push(['Save and apply, whole verb incl. reads and preview checks (median ms)', saveMs.toFixed(2)]);

  // Loading a principal: what every request does.
  rows.push(['Load a principal from the database (median ms)', time(200, () => ctx()).toFixed(3)]);

  // The O(1) check on a precomputed bitset.
  const principal = ctx();
  const bits = principal.effective.bits;
  const keys = catalog.permissions.map((p) => p.bit);
  const checks = 5_000_000;
  const start = performance.now();
  let allowed = 0;
  for (let i = 0; i < checks; i++) if (bits.has(keys[i % keys.length]!)) allowed++;
  const perSecond = checks / ((performance.now() - start) / 1000);
  rows.push(['Permission check on a bitset (checks per second)', `${Math.round(perSecond).toLocaleString('en')} (${allowed.toLocaleString('en')} allowed)`]);
  const adminInput = readEffectiveInput(admin.id);
  rows.push(['Effective permissions with explanation, the admin (median ms)', time(500, () => effectivePermissions(catalog, adminInput)).toFixed(4)]);

  // The users list at this size.
  rows.push([
    `Users list page 1 at ${(HOLDERS + 44).toLocaleString('en')} users (median ms)`,
    time(ROUNDS, () => listUsers({ ctx: principal, input: {} })).toFixed(2),
  ]);
  const deep = listUsers({ ctx: principal, input: { sort: 'loginName', pageSize: 100 } });
  rows.push([
    'Users list, next page by keyset cursor (median ms)',
    time(ROUNDS, () => listUsers({ ctx: principal, input: { sort: 'loginName', pageSize: 100, after: deep.next } })).toFixed(2),
  ]);
  rows.push(['Users list, search "bench.1999" (median ms)', time(ROUNDS, () => listUsers({ ctx: principal, input: { q: 'bench.1999' } })).toFixed(2)]);

  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`\nSwitchboard bench (${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${os.cpus().length} cores)\n`);
  console.log(`| ${'measure'.padEnd(width)} | result |`);
  console.log(`| ${'-'.repeat(width)} | ------ |`);
  for (const [k, v] of rows) console.log(`| ${k.padEnd(width)} | ${v} |`);
  db.$client.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
