/**
 * `npm run bench [-- --users 100000]`: measured, never asserted. Seeds a seed:large database in a
 * temporary directory, then measures what the scale issue names, each comparison side by side in
 * the same run over several rounds (medians), and prints one table. Needs a build for the server
 * measures (`npm run build`; done here when missing).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMongoAbility, subject as caslSubject, type MongoAbility } from '@casl/ability';
import { eq, sql } from 'drizzle-orm';
import { openDatabase, setDbForTesting, type DB } from '@/db/client';
import * as t from '@/db/schema';
import { seedLargeDatabase } from '@/db/seed-large';
import { createApiKey, MAX_RATE_LIMIT } from '@/lib/dal/api-keys';
import { managedSubtree, reachOf } from '@/lib/dal/authorize';
import { getCatalog } from '@/lib/dal/catalog';
import { decisionIndex } from '@/lib/dal/decisions';
import { DalError } from '@/lib/dal/errors';
import { loadPrincipal, readEffectiveInput, type Principal } from '@/lib/dal/principal';
import { getProfile, saveProfile } from '@/lib/dal/profiles';
import { effectivePermissions } from '@/lib/permissions/effective';
import { benchImportUsers, benchUsersList } from './bench-scale';

const ROOT = path.resolve(__dirname, '..');
const ROUNDS = 5;
const PAIRS = 1_000_000;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const USERS = Number((option('users') ?? process.env.BENCH_USERS ?? '100000').replace(/[_,]/g, ''));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const fmt = (n: number, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

interface Row {
  measure: string;
  result: string;
  goal: string;
}
const rows: Row[] = [];
const began = performance.now();
const row = (measure: string, result: string, goal = '') => {
  rows.push({ measure, result, goal });
  console.error(`[${fmt((performance.now() - began) / 1000, 0)} s] ${measure}: ${result}`);
};

/** A small seeded generator: the same questions every run. */
function generator(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % n;
  };
}

function adminOf(db: DB): Principal {
  const admin = db.select().from(t.users).where(eq(t.users.loginName, 'admin')).get()!;
  return loadPrincipal(admin.id, admin.sessionVersion, 'ui')!;
}

// ---------------------------------------------------------------------------------------------
// In process: the decision index against CASL

/**
 * The index's build from the database, measured in a process of its own (`--index-build`), as a
 * server starting up would: this process's heap is full of the seed's and CASL's garbage.
 */
function indexBuildChild(file: string) {
  const db = openDatabase(file);
  // A second handle on the same file: switching handles makes decisionIndex() rebuild from the database.
  const other = openDatabase(file);
  const builds: number[] = [];
  for (let i = 0; i < ROUNDS + 1; i++) {
    setDbForTesting(i % 2 ? db : other);
    const start = performance.now();
    decisionIndex();
    builds.push(performance.now() - start);
  }
  const index = decisionIndex();
  const users = db.select({ n: sql<number>`count(*)` }).from(t.users).get()!.n;
  console.log(JSON.stringify({ first: builds[0], builds: builds.slice(1), bytes: index.bytes, combos: index.combos, users }));
}

function benchIndex(file: string) {
  const run = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['--conditions=react-server', __filename, '--index-build', file], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`The index build failed: ${run.stderr}`);
  const r = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { first: number; builds: number[]; bytes: number; combos: number; users: number };
  row(`Decision index: build from the database, ${fmt(r.users)} users (median ms; the first, cold, ${fmt(r.first)})`, fmt(median(r.builds), 1), '≤ 500');
  row('Decision index: memory per user (bytes, combos and manager subtrees included)', `${fmt(r.bytes / r.users, 1)} (${fmt(r.combos)} combos)`, '≤ 100');
}

function benchChecks(db: DB) {
  const catalog = getCatalog();
  const index = decisionIndex();
  const active = db.select({ id: t.users.id, groupId: t.users.groupId }).from(t.users).where(eq(t.users.status, 'active')).all();

  // CASL: one ability per user, from the engine's own answer for him (not from the index). Users
  // with the same profile assignments and no overrides get the same rules, computed once.
  let start = performance.now();
  const holdings = new Map<number, string[]>();
  for (const h of db.select().from(t.userProfiles).all()) holdings.set(h.userId, [...(holdings.get(h.userId) ?? []), `${h.profileId}:${h.version}`]);
  const withOverrides = new Set(db.select({ id: t.userOverrides.userId }).from(t.userOverrides).all().map((o) => o.id));
  const rulesBy = new Map<string, { action: string; subject: string }[]>();
  const abilities: MongoAbility[] = [];
  for (const u of active) {
    const signature = withOverrides.has(u.id) ? `user ${u.id}` : (holdings.get(u.id) ?? []).sort().join(',');
    let rules = rulesBy.get(signature);
    if (!rules) {
      const effective = effectivePermissions(catalog, readEffectiveInput(u.id));
      rules = catalog.permissions.filter((p) => effective.bits.has(p.bit)).map((p) => ({ action: p.key, subject: 'all' }));
      rulesBy.set(signature, rules);
    }
    abilities[u.id] = createMongoAbility(rules);
  }
  row(`CASL: one ability per user built from the engine (${fmt(active.length)} users, s)`, fmt((performance.now() - start) / 1000, 1));

  const next = generator(42);
  const pairUser = new Int32Array(PAIRS);
  const pairBit = new Int32Array(PAIRS);
  for (let i = 0; i < PAIRS; i++) {
    pairUser[i] = active[next(active.length)]!.id;
    pairBit[i] = next(catalog.permissions.length);
  }
  const keys = catalog.permissions.map((p) => p.key);
  let mismatches = 0;
  let allowed = 0;
  for (let i = 0; i < PAIRS; i++) {
    const a = index.has(pairUser[i]!, pairBit[i]!);
    if (a !== abilities[pairUser[i]!]!.can(keys[pairBit[i]!]!, 'all')) mismatches++;
    if (a) allowed++;
  }
  if (mismatches) throw new Error(`The index and CASL disagree on ${mismatches} of ${PAIRS} (user, permission) pairs`);

  const ours: number[] = [];
  const theirs: number[] = [];
  let sink = 0;
  for (let r = 0; r < ROUNDS; r++) {
    start = performance.now();
    for (let i = 0; i < PAIRS; i++) if (index.has(pairUser[i]!, pairBit[i]!)) sink++;
    ours.push(PAIRS / ((performance.now() - start) / 1000));
    start = performance.now();
    for (let i = 0; i < PAIRS; i++) if (abilities[pairUser[i]!]!.can(keys[pairBit[i]!]!, 'all')) sink++;
    theirs.push(PAIRS / ((performance.now() - start) / 1000));
  }
  row(
    `Permission check, ${fmt(PAIRS)} random (user, permission) pairs, same answers (${fmt((100 * allowed) / PAIRS, 1)} % allowed): checks/s, Switchboard vs CASL`,
    `${fmt(median(ours))} vs ${fmt(median(theirs))} = ${fmt(median(ours) / median(theirs), 1)}×`,
    '≥ 100×',
  );

  // Group-scoped: may this agent manager use this permission on that user? CASL with a condition on the user's group.
  const managers = [...new Set(db.select({ id: t.managedGroups.userId }).from(t.managedGroups).all().map((m) => m.id))].filter((id) => abilities[id]);
  const scoped: { actor: number; key: string; bit: number }[] = [];
  const scopedAbilities: MongoAbility[] = [];
  for (const id of managers) {
    const user = db.select().from(t.users).where(eq(t.users.id, id)).get()!;
    const p = loadPrincipal(id, user.sessionVersion, 'ui')!;
    const subtree = [...managedSubtree(p)];
    const rules = [];
    for (const perm of catalog.permissions) {
      const reach = reachOf(p, perm.key);
      if (reach === 'account') rules.push({ action: perm.key, subject: 'User' });
      else if (reach === 'managed-groups') rules.push({ action: perm.key, subject: 'User', conditions: { groupId: { $in: subtree } } });
      if (reach) scoped.push({ actor: id, key: perm.key, bit: perm.bit });
    }
    scopedAbilities[id] = createMongoAbility(rules);
  }
  // The questions in flat arrays, as the plain check has them; CASL gets each target as a subject object made beforehand.
  const targets = active.map((u) => caslSubject('User', { groupId: u.groupId }));
  const Q = PAIRS / 4;
  const qActor = new Int32Array(Q);
  const qBit = new Int32Array(Q);
  const qTarget = new Int32Array(Q);
  const qKey: string[] = [];
  const qSubject: object[] = [];
  for (let i = 0; i < Q; i++) {
    const s = scoped[next(scoped.length)]!;
    const target = next(targets.length);
    qActor[i] = s.actor;
    qBit[i] = s.bit;
    qKey.push(s.key);
    qTarget[i] = active[target]!.id;
    qSubject.push(targets[target]!);
  }
  let scopedAllowed = 0;
  for (let i = 0; i < Q; i++) {
    const a = index.canActOn(qActor[i]!, qBit[i]!, qTarget[i]!);
    if (a !== scopedAbilities[qActor[i]!]!.can(qKey[i]!, qSubject[i]! as never)) mismatches++;
    if (a) scopedAllowed++;
  }
  if (mismatches) throw new Error(`The index and CASL disagree on ${mismatches} of ${Q} group-scoped checks`);
  const ourScoped: number[] = [];
  const theirScoped: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    start = performance.now();
    for (let i = 0; i < Q; i++) if (index.canActOn(qActor[i]!, qBit[i]!, qTarget[i]!)) sink++;
    ourScoped.push(Q / ((performance.now() - start) / 1000));
    start = performance.now();
    for (let i = 0; i < Q; i++) if (scopedAbilities[qActor[i]!]!.can(qKey[i]!, qSubject[i]! as never)) sink++;
    theirScoped.push(Q / ((performance.now() - start) / 1000));
  }
  row(
    `Group-scoped check, ${fmt(Q)} (manager, permission, user) triples over ${fmt(managers.length)} managers, same answers (${fmt((100 * scopedAllowed) / Q, 1)} % allowed): checks/s, Switchboard vs CASL with conditions`,
    `${fmt(median(ourScoped))} vs ${fmt(median(theirScoped))} = ${fmt(median(ourScoped) / median(theirScoped), 1)}×`,
    '≥ 40×',
  );
  return sink;
}

function benchSaveAndApply(db: DB) {
  const target = 20_000;
  // In the most held role, its most held profile with at most 20,000 holders, topped up to 20,000
  // with users holding another profile of that role.
  const role = db
    .select({ roleKey: t.userProfiles.roleKey })
    .from(t.userProfiles)
    .groupBy(t.userProfiles.roleKey)
    .orderBy(sql`count(*) desc`)
    .limit(1)
    .get()!.roleKey;
  const top = db
    .select({ id: t.userProfiles.profileId, roleKey: t.userProfiles.roleKey, n: sql<number>`count(*)` })
    .from(t.userProfiles)
    .where(eq(t.userProfiles.roleKey, role))
    .groupBy(t.userProfiles.profileId)
    .having(sql`count(*) <= ${target}`)
    .orderBy(sql`count(*) desc`)
    .limit(1)
    .get()!;
  db.$client
    .prepare('update user_profiles set profile_id = ?, version = 1 where rowid in (select rowid from user_profiles where role_key = ? and profile_id <> ? limit ?)')
    .run(top.id, top.roleKey, top.id, Math.max(0, target - top.n));
  const best = { id: top.id, n: db.$client.prepare('select count(*) from user_profiles where profile_id = ?').pluck().get(top.id) as number };
  const changes = () => (db.$client.prepare('select total_changes() as n').get() as { n: number }).n;
  // The permission each round switches: the first one of the role whose switch is a valid save on
  // its own (one that requires or is required by others would need them too).
  let toggle: string | undefined;
  const save = () => {
    const ctx = adminOf(db);
    const p = getProfile({ ctx, input: { id: best.id } });
    const role = ctx.catalog.roleByKey.get(p.roleKey)!;
    const core = new Set(role.core.map((c) => c.key));
    const candidates = toggle ? [toggle] : role.permissions.map((x) => x.key).filter((k) => !core.has(k));
    for (const key of candidates) {
      const permissions = p.permissions.includes(key) ? p.permissions.filter((k) => k !== key) : [...p.permissions, key];
      const before = changes();
      const start = performance.now();
      try {
        saveProfile({ ctx, input: { id: p.id, rowVersion: p.rowVersion, name: p.name, description: p.description, permissions, note: '', mode: 'apply' } });
      } catch (error) {
        if (error instanceof DalError && error.code === 'invalid' && !toggle) continue;
        throw error;
      }
      toggle = key;
      return { ms: performance.now() - start, rows: changes() - before };
    }
    throw new Error(`No permission of ${p.name} can be switched on its own`);
  };
  const times = Array.from({ length: ROUNDS * 2 }, () => save().ms);
  // Rows: the audit search index's trigger is dropped in this throwaway database first, since FTS5
  // merges its segments every so many inserts, whatever the verb; what is left is the verb's own.
  db.$client.exec('drop trigger audit_events_fts_insert');
  const written = Array.from({ length: ROUNDS * 2 }, () => save().rows);
  row(
    `Save and apply on a profile held by ${fmt(best.n)} users, switching "${toggle}": rows written (each round), time (median ms)`,
    `${[...new Set(written)].join(', ')} rows, ${fmt(median(times), 1)} ms`,
    'constant, ≤ 25 ms',
  );
}

// ---------------------------------------------------------------------------------------------
// Through the real server

async function withServer<T>(file: string, fn: (url: string) => Promise<T>): Promise<T> {
  if (!fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) {
    console.log('No build: building the console first…');
    if (spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error('The build failed');
  }
  const port = Number(process.env.BENCH_PORT ?? 3700);
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: ROOT,
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', SWITCHBOARD_DB: file, AUTH_SECRET: 'bench-secret-bench-secret-bench-secret-0123' },
  });
  try {
    for (let i = 0; ; i++) {
      if (i > 600) throw new Error('The server did not answer /api/health in 60 s; is the build current? (npm run build)');
      const ok = await fetch(`${url}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return await fn(url);
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
  }
}

/** Each request against the trivial route right after, so both see the same machine. */
async function sideBySide(call: () => Promise<Response>, trivial: () => Promise<Response>, n = 200) {
  const real: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < 20; i++) await Promise.all([(await call()).arrayBuffer(), (await trivial()).arrayBuffer()]); // warm up
  for (let i = 0; i < n; i++) {
    let start = performance.now();
    const r = await call();
    await r.arrayBuffer();
    real.push(performance.now() - start);
    if (!r.ok) throw new Error(`${r.url} answered ${r.status}`);
    start = performance.now();
    await (await trivial()).arrayBuffer();
    base.push(performance.now() - start);
  }
  return { real: median(real), realP95: percentile(real, 95), base: median(base) };
}

async function benchServer(file: string, db: DB) {
  const ctx = adminOf(db);
  const { token } = createApiKey({
    ctx,
    input: { name: 'Bench', userId: ctx.userId, permissions: [...ctx.effective.explain].filter(([, e]) => e.allowed).map(([k]) => k), expiresAt: null, rateLimitPerMinute: MAX_RATE_LIMIT },
  });
  const department = db.select().from(t.groups).where(eq(t.groups.name, 'Billing')).get()!;
  const profile = db.select().from(t.profiles).where(eq(t.profiles.name, 'Agent - Senior')).get()!;
  const users = db.select({ id: t.users.id }).from(t.users).where(eq(t.users.status, 'active')).all();
  const catalog = getCatalog();
  const next = generator(7);
  const questions = Array.from({ length: 100 }, () => ({ user: users[next(users.length)]!.id, permission: catalog.permissions[next(catalog.permissions.length)]!.key }));

  await withServer(file, async (url) => {
    const auth = { authorization: `Bearer ${token}` };
    const trivial = () => fetch(`${url}/api/health`);
    const get = (q: string) => () => fetch(`${url}/api/v1/users${q}`, { headers: auth });
    // A cursor halfway down the list, reached by paging as a client would.
    let after: string | null = null;
    for (let i = 0; i < Math.floor(users.length / 200); i++) {
      const page = (await (await fetch(`${url}/api/v1/users?pageSize=100${after ? `&after=${encodeURIComponent(after)}` : ''}`, { headers: auth })).json()) as { next: string | null };
      if (!page.next) break;
      after = page.next;
    }
    const queries: [string, string][] = [
      ['page 1', ''],
      ['search "kowalski"', '?q=kowalski'],
      [`group filter (${department.name} and its teams)`, `?group=${department.id}`],
      [`profile filter (${profile.name})`, `?profile=${profile.id}`],
      ['deep page (keyset, halfway down)', `?after=${encodeURIComponent(after ?? '')}`],
    ];
    for (const [label, q] of queries) {
      const r = await sideBySide(get(q), trivial);
      row(`Users list through the server, ${label}: median ms vs the trivial route (p95)`, `${fmt(r.real, 2)} vs ${fmt(r.base, 2)} = ${fmt(r.real / r.base, 2)}× (p95 ${fmt(r.realP95, 2)})`, '≤ 1.5×');
    }
    const body = JSON.stringify({ questions });
    const r = await sideBySide(() => fetch(`${url}/api/v1/authorize`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body }), trivial);
    row('Batch authorize, 100 questions through the API: median ms vs the trivial route', `${fmt(r.real, 2)} vs ${fmt(r.base, 2)} = ${fmt(r.real / r.base, 2)}×`, '≤ 1.2×');
  });
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'));
  const file = path.join(dir, 'large.db');
  try {
    const seeded = await seedLargeDatabase({ file, users: USERS, demoPassword: 'bench-password' });
    const c = seeded.counts;
    row(`seed:large: ${fmt(c.users)} users, ${fmt(c.groups)} groups, ${c.profiles} profiles, ${fmt(c.overrides)} overrides (s)`, fmt(seeded.ms / 1000, 1), '< 60');
    const db = seeded.prepared.db;
    setDbForTesting(db);

    benchIndex(file);
    benchChecks(db);
    const list = benchUsersList(db);
    for (const timing of list.timings) row(`Users list SQL time, ${timing.label} (p50 / p95 ms)`, `${fmt(timing.sqlP50, 3)} / ${fmt(timing.sqlP95, 3)}`, 'p95 ≤ 2');
    setDbForTesting(db);
    await benchServer(file, db);
    benchSaveAndApply(db);
    // Last: it adds 10,000 users to the database the rows above measured.
    const imported = await benchImportUsers(db);
    row(
      `Import ${imported.rows.toLocaleString('en')} users from CSV, no passwords (preview / import s)`,
      `${fmt(imported.previewMs / 1000, 2)} / ${fmt(imported.applyMs / 1000, 2)}`,
      'import ≤ 10',
    );
    db.$client.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const w = [Math.max(...rows.map((r) => r.measure.length)), Math.max(6, ...rows.map((r) => r.result.length)), Math.max(4, ...rows.map((r) => r.goal.length))];
  console.log(`\nSwitchboard bench (${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${os.cpus().length} cores, ${fmt(USERS)} users, medians of ${ROUNDS}+ rounds)\n`);
  console.log(`| ${'measure'.padEnd(w[0]!)} | ${'result'.padEnd(w[1]!)} | ${'goal'.padEnd(w[2]!)} |`);
  console.log(`| ${'-'.repeat(w[0]!)} | ${'-'.repeat(w[1]!)} | ${'-'.repeat(w[2]!)} |`);
  for (const r of rows) console.log(`| ${r.measure.padEnd(w[0]!)} | ${r.result.padEnd(w[1]!)} | ${r.goal.padEnd(w[2]!)} |`);
}

const indexFile = option('index-build');
(indexFile ? Promise.resolve(indexBuildChild(indexFile)) : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
