/**
 * `npm run bench:audit`: measured, never asserted. Builds a temporary database with a large audit
 * log (BENCH_EVENTS, 100,000 by default) and times one page of the trail under each filter, with
 * the query plan of the statements that serve them: every filter must be served by an index, at
 * the top of the log and deep in it alike.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import { appendAuditEvent } from '@/db/audit-chain';
import { migrateDatabase, openDatabase, setDbForTesting } from '@/db/client';
import * as t from '@/db/schema';
import { seedDatabase } from '@/db/seed';
import { listAuditEvents } from '@/lib/dal/audit-trail';
import { loadPrincipal } from '@/lib/dal/principal';
import { presetCatalog } from '@/seeds/presets';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const ROUNDS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-audit-'));
  const db = openDatabase(path.join(dir, 'bench.db'));
  migrateDatabase(db);
  await seedDatabase(db, presetCatalog('liveperson'), 'bench-password');
  setDbForTesting(db);

  const admin = db.select().from(t.users).where(eq(t.users.loginName, 'admin')).get()!;
  const manager = db.select().from(t.users).where(eq(t.users.loginName, 'manager')).get()!;
  // One event a second from now on: the log's time never goes backwards (see appendAuditEvent).
  const base = Date.now() + 1000;
  const generation = performance.now();
  db.transaction(
    (tx) => {
      for (let i = 0; i < EVENTS; i++) {
        const r = i % 100;
        const type = r < 70 ? 'user' : r < 90 ? 'profile' : r < 99 ? 'group' : 'account-feature';
        const actor = i % 2 ? manager : admin;
        appendAuditEvent(tx, {
          at: new Date(base + i * 1000),
          actorId: actor.id,
          actorName: actor.loginName,
          onBehalfOf: null,
          source: 'ui',
          entityType: type,
          entityId: String(i % 500),
          entityName: `${type} ${i % 500}`,
          action: r === 99 ? 'disable' : i % 3 ? 'update' : 'assign-profile',
          before: { name: `n${i}`, reason: i === 1000 ? 'zq-rare' : 'routine agent work' },
          after: { name: `n${i + 1}` },
        });
      }
    },
    { behavior: 'immediate' },
  );
  const generated = performance.now() - generation;

  const ctx = loadPrincipal(admin.id, admin.sessionVersion, 'ui')!;
  const mid = Math.floor(EVENTS / 2);
  const at = (ms: number) => new Date(ms).toISOString().slice(0, 19);
  const cases: [string, Record<string, unknown>][] = [
    ['no filter, page 1', {}],
    ['no filter, deep page', { before: mid }],
    ['actor', { actor: 'manager' }],
    ['actor, deep page', { actor: 'manager', before: mid }],
    ['entity type, common', { entityType: 'user' }],
    ['entity type, rare', { entityType: 'account-feature' }],
    ['entity type, rare, deep page', { entityType: 'account-feature', before: mid }],
    ['action, rare', { action: 'disable' }],
    ['action, common, deep page', { action: 'update', before: mid }],
    ['date range, one hour in the middle', { from: at(base + mid * 1000), to: at(base + mid * 1000 + 3_600_000) }],
    ['date range, ending long ago', { to: at(base + 1_000_000) }],
    ['free text, common ("agent")', { q: 'agent' }],
    ['free text, rare ("zq-rare")', { q: 'zq-rare' }],
    ['free text, short ("zq", bounded window)', { q: 'zq' }],
    ['free text + entity type', { q: 'routine', entityType: 'account-feature' }],
  ];
  const rows: [string, string][] = [[`Generate ${EVENTS.toLocaleString('en')} events through the hash chain (ms)`, generated.toFixed(0)]];
  for (const [label, input] of cases) {
    const samples: number[] = [];
    let page: ReturnType<typeof listAuditEvents> | undefined;
    for (let i = 0; i < ROUNDS; i++) {
      const start = performance.now();
      page = listAuditEvents({ ctx, input });
      samples.push(performance.now() - start);
    }
    rows.push([`Trail page: ${label} (median ms)`, `${median(samples).toFixed(2)} (${page!.rows.length} rows${page!.partial ? ', partial' : ''})`]);
  }

  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`\nSwitchboard audit trail bench (${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${os.cpus().length} cores)\n`);
  console.log(`| ${'measure'.padEnd(width)} | result |`);
  console.log(`| ${'-'.repeat(width)} | ------ |`);
  for (const [k, v] of rows) console.log(`| ${k.padEnd(width)} | ${v} |`);

  // The plans behind them: a SCAN of audit_events (not of an index) would mean a filter left its index.
  const plan = (sql: string) => (db.$client.prepare(`explain query plan ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
  console.log('\nQuery plans');
  for (const sql of [
    `select id from audit_events where entity_type = 'user' and id < 100000 order by id desc limit 51`,
    `select id from audit_events where actor_id = 3 and id < 5 order by id desc limit 51`,
    `select id from audit_events where action = 'x' and id < 5 order by id desc limit 51`,
    `select id from audit_events where at >= 5 order by at, id limit 1`,
    `select id from audit_events where id >= 5 and id <= 10 and +at >= 5 and +at <= 10 order by id desc limit 51`,
    `select id from audit_events where entity_type = 'user' and id >= 5 and id <= 10 and +at >= 5 order by id desc limit 51`,
    `select audit_events.id from audit_events_fts join audit_events on audit_events.id = audit_events_fts.rowid
       where audit_events_fts match '"abc"' and audit_events_fts.rowid < 5 order by audit_events_fts.rowid desc limit 51`,
  ]) {
    console.log(`- ${sql.replace(/\s+/g, ' ').slice(0, 110)}\n    ${plan(sql)}`);
  }
  db.$client.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
