import fs from 'node:fs';
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import type { DB } from './client';
import * as t from './schema';
import { appendAuditEvent } from './audit-chain';
import { prepareDatabase, type PreparedDatabase } from './setup';
import { roleDefaults, type Role } from '@/lib/permissions/catalog';
import { closeOverRequires, dependentsOf } from '@/lib/permissions/profile-rules';
import { CONSOLE } from '@/lib/permissions/console';
import { presetCatalog } from '@/seeds/presets';

/**
 * `npm run seed:large`: a database the size of a large contact center, to measure with. The
 * LivePerson catalog and demo account come from the normal seed (db/setup.ts); on top of them, a
 * tree of sites → departments → teams, more profiles in every role, and users up to `users` in all.
 * Every generated user shares the demo admin's password hash: one hash, never one per user.
 */
export interface LargeSeedOptions {
  file: string;
  /** Users in the database when done, the demo account's included. */
  users: number;
  demoPassword?: string;
  /** Delete an existing database at `file` first; without it an existing database is refused. */
  replace?: boolean;
}

export interface LargeSeedResult {
  prepared: PreparedDatabase;
  ms: number;
  counts: { users: number; groups: number; profiles: number; userProfiles: number; overrides: number; managers: number; skills: number };
}

export class LargeSeedRefusal extends Error {}

const SITES = ['Lisbon', 'Manila', 'Austin', 'Kraków', 'Nairobi'];
const DEPARTMENTS = ['Customer support', 'Technical support', 'Billing', 'Sales', 'Retention', 'Onboarding', 'Collections', 'VIP care'];
const TEAMS_PER_DEPARTMENT = 12;
const SKILLS = [
  'English',
  'Spanish',
  'Portuguese',
  'French',
  'German',
  'Polish',
  'Tagalog',
  'Swahili',
  'Refunds',
  'Chargebacks',
  'Escalations',
  'Outage response',
  'Mobile app',
  'Router setup',
  'Upgrades',
  'Cancellations',
  'Payment plans',
  'Fraud',
  'Enterprise accounts',
  'Social media',
  'Voice',
  'Email',
  'Onboarding calls',
  'Accessibility needs',
];
const FIRST =
  'Aaliyah Abdul Ada Adrian Aiko Akira Alba Ali Amara Amir Ana Andrea Anya Arjun Aroha Bea Bilal Bruno Camila Carlos Chen Chidi Clara Dalia Daniel Dara Diego Dmitri Elif Elena Emeka Emil Eva Fatima Felix Femi Freya Gabriel Grace Hana Hassan Hugo Ines Isaac Ivan Jamal Jana Javier Jin Joao Jonas Julia Kai Kamal Karin Kenji Lara Leila Lena Leo Lina Luca Lucia Malik Mara Marco Maria Mateo Mei Mina Miguel Nadia Nia Nikolai Noor Omar Oscar Paula Pedro Priya Rafael Rania Ravi Rosa Sami Sara Sofia Tariq Tomas Uma Victor Wei Yara Yusuf Zara Zoe'.split(
    ' ',
  );
const LAST =
  'Abara Acosta Adeyemi Almeida Andersen Bakker Banda Bauer Bianchi Brennan Campos Castro Chowdhury Costa Cruz Dalton Diallo Dubois Duarte Eze Fernandes Fischer Garcia Gomez Hakimi Hansen Haddad Hoang Ibrahim Ito Jansen Kamau Kaya Khan Kim Kowalski Kumar Larsen Lee Lopes Mbeki Mendes Moreau Murphy Mwangi Nakamura Navarro Nguyen Novak Nowak Okafor Okoro Olsen Ortiz Park Pereira Petrov Quispe Reyes Rossi Santos Sato Schmidt Silva Singh Sousa Suzuki Tan Torres Tran Valdez Vargas Wagner Wang Weber Wojcik Yilmaz Zhang Zielinski'.split(
    ' ',
  );

/**
 * The role combinations users hold (1–4 profiles, at most one per role) and how common each is:
 * most are agents, some lead teams, a few run campaigns, very few administer the account.
 */
const ROLE_MIX: [roles: string[], weight: number][] = [
  [['agent'], 0.85],
  [['agent', 'campaign-manager'], 0.06],
  [['agent', 'agent-manager'], 0.03],
  [['agent-manager'], 0.02],
  [['agent', 'agent-manager', 'campaign-manager'], 0.015],
  [['campaign-manager'], 0.015],
  [['agent-manager', 'campaign-manager'], 0.005],
  [['agent', 'agent-manager', 'campaign-manager', 'admin'], 0.003],
  [['admin'], 0.002],
];
/** Users with per-user overrides. */
const OVERRIDE_SHARE = 0.01;
const DEACTIVATED_SHARE = 0.02;

/** Extra profiles per role, beside each role's default (and the demo account's extra one). */
const EXTRA_PROFILES: Record<string, string[]> = {
  agent: [
    'Agent - Messaging only',
    'Agent - Voice and messaging',
    'Agent - Senior',
    'Agent - Trainee',
    'Agent - VIP care',
    'Agent - Collections',
    'Agent - Night shift',
    'Agent - Outsourced',
  ],
  'agent-manager': ['Team lead', 'Department head', 'Site manager', 'Quality coach'],
  'campaign-manager': ['Campaign manager - Sales', 'Campaign manager - Care'],
  admin: ['Security administrator'],
};
/** Profiles that give the agent manager's limited user management, so team leads run their teams. */
const MANAGING_PROFILES = new Set(['Team lead', 'Department head', 'Site manager']);

/** A small seeded generator: the same options give the same database. */
function generator(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const weighted = <T>(xs: readonly [T, number][]): T => {
    const total = xs.reduce((n, [, w]) => n + w, 0);
    let r = next() * total;
    for (const [x, w] of xs) if ((r -= w) < 0) return x;
    return xs[xs.length - 1]![0];
  };
  return { next, int, pick, weighted };
}

/** A profile's permissions: its role's defaults, varied a little but always valid (prerequisites met, no core keys). */
function variantPermissions(role: Role, enabled: ReadonlySet<string>, n: number, managing: boolean): string[] {
  const keys = new Set(roleDefaults(role, enabled));
  const consoleKeys = new Set<string>(Object.values(CONSOLE));
  const work = role.permissions.filter((p) => !consoleKeys.has(p.key));
  // Switch off every third default work permission nothing else needs, offset by the variant.
  work
    .filter((p, i) => keys.has(p.key) && (i + n) % 3 === 0)
    .forEach((p) => {
      if (dependentsOf(role, p.key, keys).length === 0) keys.delete(p.key);
    });
  // …and on one or two that are off by default.
  const off = work.filter((p) => !keys.has(p.key) && !p.accountFeature);
  for (const p of [off[n % Math.max(off.length, 1)], off[(n * 7) % Math.max(off.length, 1)]]) if (p) keys.add(p.key);
  if (managing) {
    for (const k of [
      CONSOLE.manageAgentUsersInGroup,
      CONSOLE.manageAgentManagerUsersInGroup,
      CONSOLE.manageAgentProfilesInGroup,
      CONSOLE.manageAgentGroups,
      CONSOLE.exportUsersInGroup,
    ]) {
      if (role.permissionByKey.has(k)) keys.add(k);
    }
  }
  return [...closeOverRequires(role, keys).keys];
}

/** What is at `file` now: nothing, an empty file, or a database (and how many users it holds). */
function existingDatabase(file: string): { users: number | null } | null {
  if (file === ':memory:' || !fs.existsSync(file) || fs.statSync(file).size === 0) return null;
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const hasUsers = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = 'users'").get();
    return { users: hasUsers ? (sqlite.prepare('select count(*) as n from users').get() as { n: number }).n : null };
  } finally {
    sqlite.close();
  }
}

/**
 * Fill a new database. Refuses an existing one unless `replace` says to delete it: a seed never
 * wipes data silently.
 */
export async function seedLargeDatabase(opts: LargeSeedOptions): Promise<LargeSeedResult> {
  if (!Number.isInteger(opts.users) || opts.users < 100 || opts.users > 2_000_000) {
    throw new LargeSeedRefusal(`--users must be a whole number from 100 to 2,000,000 (got ${opts.users}).`);
  }
  const existing = existingDatabase(opts.file);
  if (existing) {
    const what = existing.users === null ? 'a database' : `a database with ${existing.users.toLocaleString('en')} users`;
    if (!opts.replace) {
      throw new LargeSeedRefusal(
        `${opts.file} already holds ${what}; seed:large never wipes one. Pass --replace to delete it and start over, or choose another --db.`,
      );
    }
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${opts.file}${suffix}`, { force: true });
  }

  const started = performance.now();
  const catalog = presetCatalog('liveperson');
  const prepared = await prepareDatabase({ file: opts.file, preset: 'liveperson', ...(opts.demoPassword ? { demoPassword: opts.demoPassword } : {}) });
  const { db } = prepared;
  const counts = generate(db, catalog.roles, opts.users);
  // A bulk load leaves the search index in many small segments; one merged b-tree answers a MATCH in half the time.
  db.$client.exec("insert into users_fts(users_fts) values ('optimize')");
  db.$client.exec('analyze');
  db.$client.pragma('wal_checkpoint(truncate)');
  return { prepared, ms: performance.now() - started, counts };
}

function generate(db: DB, roles: readonly Role[], totalUsers: number): LargeSeedResult['counts'] {
  const sqlite = db.$client;
  const rnd = generator(20_240_517);
  const roleByKey = new Map(roles.map((r) => [r.key, r]));
  const admin = db.select().from(t.users).where(eq(t.users.loginName, 'admin')).get()!;
  const enabled = new Set(
    db
      .select()
      .from(t.accountFeatures)
      .where(eq(t.accountFeatures.enabled, true))
      .all()
      .map((f) => f.key),
  );

  const insertGroup = sqlite.prepare('insert into groups (name, parent_id) values (?, ?)');
  const insertSkill = sqlite.prepare('insert into skills (name) values (?)');
  const insertProfile = sqlite.prepare('insert into profiles (name, role_key, description) values (?, ?, ?)');
  const insertVersion = sqlite.prepare("insert into profile_versions (profile_id, version, permissions, channels, note) values (?, 1, ?, ?, 'Generated')");
  const insertUser = sqlite.prepare(
    'insert into users (login_name, email, name, nickname, password_hash, status, group_id, max_chats) values (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertHeld = sqlite.prepare('insert into user_profiles (user_id, role_key, profile_id, version) values (?, ?, ?, 1)');
  const insertManaged = sqlite.prepare('insert into managed_groups (user_id, group_id) values (?, ?)');
  const insertUserSkill = sqlite.prepare('insert into user_skills (user_id, skill_id) values (?, ?)');
  const insertOverride = sqlite.prepare(
    'insert into user_overrides (user_id, permission_key, effect, level, reason, expires_at, created_by) values (?, ?, ?, ?, ?, ?, ?)',
  );

  let counts!: LargeSeedResult['counts'];
  db.transaction(
    (tx) => {
      // The tree: sites → departments → teams.
      const teams: { id: number; department: number; site: number }[] = [];
      const departments: { id: number; site: number }[] = [];
      const sites: number[] = [];
      for (const site of SITES) {
        const siteId = Number(insertGroup.run(site, null).lastInsertRowid);
        sites.push(siteId);
        for (const department of DEPARTMENTS) {
          const departmentId = Number(insertGroup.run(department, siteId).lastInsertRowid);
          departments.push({ id: departmentId, site: siteId });
          for (let i = 1; i <= TEAMS_PER_DEPARTMENT; i++) {
            const id = Number(insertGroup.run(`${site.slice(0, 3).toUpperCase()} ${department} ${String(i).padStart(2, '0')}`, departmentId).lastInsertRowid);
            teams.push({ id, department: departmentId, site: siteId });
          }
        }
      }

      const known = new Set(
        sqlite
          .prepare('select lower(name) as name from skills')
          .all()
          .map((r) => (r as { name: string }).name),
      );
      for (const s of SKILLS) if (!known.has(s.toLowerCase())) insertSkill.run(s);
      const skillIds = (sqlite.prepare('select id from skills').all() as { id: number }[]).map((r) => r.id);

      // Profiles: each role's default and the demo's extra one exist; add the rest.
      for (const [roleKey, names] of Object.entries(EXTRA_PROFILES)) {
        const role = roleByKey.get(roleKey)!;
        names.forEach((name, n) => {
          const id = Number(insertProfile.run(name, roleKey, `${name}: generated by seed:large`).lastInsertRowid);
          insertVersion.run(id, JSON.stringify(variantPermissions(role, enabled, n + 1, MANAGING_PROFILES.has(name))), JSON.stringify(role.channelDefaults));
        });
      }
      const profiles = tx
        .select({ id: t.profiles.id, name: t.profiles.name, roleKey: t.profiles.roleKey, isDefault: t.profiles.isDefault })
        .from(t.profiles)
        .all();
      const profilesOf = (roleKey: string) => profiles.filter((p) => p.roleKey === roleKey);
      const managingProfiles = profiles.filter((p) => MANAGING_PROFILES.has(p.name) || p.name === 'Agent manager with user management');
      const agentPermissions = roleByKey.get('agent')!.permissions.filter((p) => !roleByKey.get('agent')!.coreKeys.has(p.key));

      const taken = new Map<string, number>();
      for (const { login } of sqlite.prepare('select lower(login_name) as login from users').all() as { login: string }[]) taken.set(login, 1);
      const existingUsers = taken.size;

      const inFuture = Date.now() + 90 * 86_400_000;
      const inPast = Date.now() - 86_400_000;
      for (let i = existingUsers; i < totalUsers; i++) {
        const first = rnd.pick(FIRST);
        const last = rnd.pick(LAST);
        const base = `${first}.${last}`
          .toLowerCase()
          .normalize('NFD')
          .replace(/[^a-z.]/g, '');
        const seen = taken.get(base) ?? 0;
        taken.set(base, seen + 1);
        const loginName = seen ? `${base}${seen + 1}` : base;

        const roleKeys = rnd.weighted(ROLE_MIX);
        const managing = roleKeys.includes('agent-manager');
        const team = rnd.pick(teams);
        // Team leads sit in their team; some managers run a department or a whole site.
        const level = managing
          ? rnd.weighted<'team' | 'department' | 'site'>([
              ['team', 0.8],
              ['department', 0.17],
              ['site', 0.03],
            ])
          : 'team';
        const groupId = level === 'team' ? team.id : level === 'department' ? team.department : team.site;
        const agent = roleKeys.includes('agent');
        const userId = Number(
          insertUser.run(
            loginName,
            `${loginName}@example.com`,
            `${first} ${last}`,
            first,
            admin.passwordHash,
            rnd.next() < DEACTIVATED_SHARE ? 'deactivated' : 'active',
            groupId,
            agent ? rnd.int(1, 8) : null,
          ).lastInsertRowid,
        );
        for (const roleKey of roleKeys) {
          const choices = managing && roleKey === 'agent-manager' && rnd.next() < 0.7 ? managingProfiles : profilesOf(roleKey);
          // Half hold their role's default profile; the rest one of the others.
          const profile = rnd.next() < 0.5 ? (choices.find((p) => p.isDefault) ?? rnd.pick(choices)) : rnd.pick(choices);
          insertHeld.run(userId, roleKey, profile.id);
        }
        if (managing) {
          insertManaged.run(userId, groupId);
        }
        if (agent) {
          const mine = new Set<number>();
          for (let k = rnd.int(1, 3); k > 0; k--) mine.add(rnd.pick(skillIds));
          for (const skillId of mine) insertUserSkill.run(userId, skillId);
        }
        if (rnd.next() < OVERRIDE_SHARE) {
          const permission = rnd.pick(agentPermissions);
          const expiry = rnd.weighted<number | null>([
            [null, 0.7],
            [inFuture, 0.2],
            [inPast, 0.1],
          ]);
          const grant = rnd.next() < 0.5;
          const reason = grant ? 'Covering for the team lead' : 'Under review after a customer complaint';
          insertOverride.run(userId, permission.key, grant ? 'grant' : 'revoke', null, reason, expiry, admin.id);
        }
      }

      const count = (table: string) => (sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
      counts = {
        users: count('users'),
        groups: count('groups'),
        profiles: count('profiles'),
        userProfiles: count('user_profiles'),
        overrides: count('user_overrides'),
        managers: (sqlite.prepare('select count(distinct user_id) as n from managed_groups').get() as { n: number }).n,
        skills: count('skills'),
      };
      appendAuditEvent(tx, {
        actorId: null,
        actorName: 'system',
        onBehalfOf: null,
        source: 'system',
        entityType: 'account',
        entityId: 'liveperson',
        entityName: 'Large seed',
        action: 'seed-large',
        before: null,
        // One event for the whole load: the generated users are many, and alike.
        after: { ...counts, generatedUsers: totalUsers - existingUsers, sites: sites.length, departments: departments.length, teams: teams.length },
      });
    },
    { behavior: 'immediate' },
  );
  return counts;
}
