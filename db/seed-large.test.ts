import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setDbForTesting } from './client';
import { verifyAuditChain } from './audit-chain';
import { LargeSeedRefusal, seedLargeDatabase, type LargeSeedResult } from './seed-large';
import { verifyCredentials } from '@/lib/dal/sign-in';

const USERS = 2_000;
const PASSWORD = 'large-seed-password';
let file: string;
let seeded: LargeSeedResult;
const all = <T>(sql: string) => seeded.prepared.db.$client.prepare(sql).all() as T[];
const one = <T>(sql: string) => seeded.prepared.db.$client.prepare(sql).get() as T;

beforeAll(async () => {
  file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-large-')), 'large.db');
  seeded = await seedLargeDatabase({ file, users: USERS, demoPassword: PASSWORD });
  setDbForTesting(seeded.prepared.db);
}, 60_000);
afterAll(() => {
  setDbForTesting(undefined);
  seeded.prepared.db.$client.close();
});

describe('seed:large', () => {
  it('makes exactly the users asked for, the demo account among them, over ~500 groups and ~20 profiles', () => {
    expect(one<{ n: number }>('select count(*) as n from users').n).toBe(USERS);
    expect(seeded.counts.users).toBe(USERS);
    for (const login of ['admin', 'manager', 'agent', 'sales']) expect(one(`select 1 from users where login_name = '${login}'`)).toBeDefined();
    expect(seeded.counts.groups).toBeGreaterThanOrEqual(450);
    expect(seeded.counts.groups).toBeLessThanOrEqual(550);
    expect(seeded.counts.profiles).toBe(20);
    expect(new Set(all<{ role_key: string }>('select role_key from profiles').map((p) => p.role_key))).toEqual(
      new Set(['agent', 'agent-manager', 'campaign-manager', 'admin']),
    );
  });

  it('gives every user 1 to 4 profiles, at most one per role, each profile of its role', () => {
    const perUser = all<{ n: number; roles: number }>(
      'select count(up.user_id) as n, count(distinct up.role_key) as roles from users u left join user_profiles up on up.user_id = u.id group by u.id',
    );
    expect(perUser).toHaveLength(USERS);
    expect(perUser.every((u) => u.n >= 1 && u.n <= 4 && u.roles === u.n)).toBe(true);
    expect(perUser.some((u) => u.n === 4)).toBe(true);
    expect(one<{ n: number }>('select count(*) as n from user_profiles up join profiles p on p.id = up.profile_id where p.role_key <> up.role_key').n).toBe(0);
    // Most users are agents, with max chats and skills; nobody else has either.
    const agents = one<{ n: number }>("select count(distinct user_id) as n from user_profiles where role_key = 'agent'").n;
    expect(agents / USERS).toBeGreaterThan(0.8);
    const notAgent = "not exists (select 1 from user_profiles up where up.user_id = u.id and up.role_key = 'agent')";
    expect(one<{ n: number }>(`select count(*) as n from users u where max_chats is not null and ${notAgent}`).n).toBe(0);
    expect(one<{ n: number }>(`select count(*) as n from users u join user_skills s on s.user_id = u.id where ${notAgent}`).n).toBe(0);
    const agent = "exists (select 1 from user_profiles up where up.user_id = u.id and up.role_key = 'agent')";
    expect(one<{ n: number }>(`select count(*) as n from users u where max_chats is null and ${agent}`).n).toBe(0);
  });

  it('gives about 1 % of users overrides, and managers manage the subtree they sit in', () => {
    const withOverrides = one<{ n: number }>('select count(distinct user_id) as n from user_overrides').n;
    expect(withOverrides / USERS).toBeGreaterThan(0.004);
    expect(withOverrides / USERS).toBeLessThan(0.02);
    const managers = all<{ user_id: number; group_id: number; member_of: number; role: string | null }>(
      `select m.user_id, m.group_id, u.group_id as member_of,
        (select role_key from user_profiles up where up.user_id = m.user_id and up.role_key = 'agent-manager') as role
       from managed_groups m join users u on u.id = m.user_id`,
    );
    expect(managers.length).toBeGreaterThan(USERS * 0.03);
    expect(managers.every((m) => m.role === 'agent-manager')).toBe(true);
    expect(managers.filter((m) => m.user_id > 44).every((m) => m.group_id === m.member_of)).toBe(true);
    // Some manage a department or a site: a subtree, not one team.
    expect(
      one<{ n: number }>(
        'select count(*) as n from managed_groups m join groups g on g.id = m.group_id where exists (select 1 from groups c where c.parent_id = g.id)',
      ).n,
    ).toBeGreaterThan(0);
  });

  it('builds a tree of sites, departments and teams', () => {
    const depth = all<{ depth: number; n: number }>(
      `with recursive tree(id, depth) as (
         select id, 1 from groups where parent_id is null
         union all select g.id, tree.depth + 1 from groups g join tree on g.parent_id = tree.id)
       select depth, count(*) as n from tree group by depth order by depth`,
    );
    expect(depth.map((d) => d.depth)).toEqual([1, 2, 3]);
    expect(depth[0]!.n).toBeLessThan(depth[1]!.n);
    expect(depth[1]!.n).toBeLessThan(depth[2]!.n);
    expect(depth.reduce((n, d) => n + d.n, 0)).toBe(seeded.counts.groups);
  });

  it('writes one system seed event summarizing the load, on an intact chain', () => {
    const event = all<{ actor_name: string; source: string; after: string }>("select actor_name, source, after from audit_events where action = 'seed-large'");
    expect(event).toHaveLength(1);
    expect(event[0]).toMatchObject({ actor_name: 'system', source: 'system' });
    expect(JSON.parse(event[0]!.after)).toMatchObject({ users: USERS, groups: seeded.counts.groups, profiles: 20 });
    expect(verifyAuditChain(seeded.prepared.db)).toMatchObject({ ok: true });
  });

  it('lets the demo admin, and a generated user, sign in with the demo password', async () => {
    await expect(verifyCredentials({ loginName: 'admin', password: PASSWORD })).resolves.toMatchObject({ ok: true });
    const generated = one<{ login_name: string }>("select login_name from users where id > 44 and status = 'active' limit 1");
    await expect(verifyCredentials({ loginName: generated.login_name, password: PASSWORD })).resolves.toMatchObject({ ok: true });
    await expect(verifyCredentials({ loginName: 'admin', password: 'not-the-password' })).resolves.toMatchObject({ ok: false });
  });

  it('refuses to touch an existing database unless told to replace it', async () => {
    const size = fs.statSync(file).size;
    await expect(seedLargeDatabase({ file, users: 500 })).rejects.toThrow(LargeSeedRefusal);
    await expect(seedLargeDatabase({ file, users: 500 })).rejects.toThrow(/already holds a database with 2,000 users.*--replace/);
    expect(fs.statSync(file).size).toBe(size);
    expect(one<{ n: number }>('select count(*) as n from users').n).toBe(USERS);
  });
});
