import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { createTestDatabase, principalOf } from '@/lib/testing/db';
import { COUNT_CAP } from './filter';
import { listUsers, type UserRow } from './list';

/**
 * The users list past COUNT_CAP users: every filter read either way (from its own index, or by
 * walking the sort index), checked against a plain filter over all rows.
 */
let db: DB;
const EXTRA = COUNT_CAP + 500;
beforeAll(async () => {
  db = await createTestDatabase();
  const groups = db.select().from(t.groups).all();
  const profiles = db.select().from(t.profiles).all();
  const agent = profiles.find((p) => p.name === 'Agent')!;
  const campaign = profiles.find((p) => p.name === 'Campaign manager')!;
  const insertUser = db.$client.prepare(
    "insert into users (login_name, email, name, nickname, password_hash, status, group_id) values (?, ?, ?, ?, 'x', ?, ?)",
  );
  const insertHeld = db.$client.prepare('insert into user_profiles (user_id, role_key, profile_id, version) values (?, ?, ?, 1)');
  db.$client.transaction(() => {
    for (let i = 0; i < EXTRA; i++) {
      const name = `${['Quinn', 'Ravi', 'Wren', 'Abe'][i % 4]} Load${String(i).padStart(5, '0')}`;
      const id = Number(
        insertUser.run(`load.${i}`, `load.${i}@example.org`, name, 'L', i % 50 === 0 ? 'deactivated' : 'active', groups[i % groups.length]!.id).lastInsertRowid,
      );
      insertHeld.run(id, 'agent', agent.id);
      if (i % 97 === 0) insertHeld.run(id, 'campaign-manager', campaign.id);
    }
  })();
});

const byName = (a: { name: string; id: number }, b: { name: string; id: number }) =>
  a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : a.id - b.id;

function everyPage(input: Record<string, unknown>) {
  const ctx = principalOf(db, 'admin');
  let page = listUsers({ ctx, input: { ...input, pageSize: 100 } });
  const first = page;
  const rows: UserRow[] = [...page.rows];
  while (page.next) {
    page = listUsers({ ctx, input: { ...input, pageSize: 100, after: page.next } });
    rows.push(...page.rows);
  }
  return { first, rows };
}

function expected(keep: (u: typeof t.users.$inferSelect, profileIds: number[]) => boolean) {
  const held = db.select().from(t.userProfiles).all();
  return db
    .select()
    .from(t.users)
    .all()
    .filter((u) =>
      keep(
        u,
        held.filter((h) => h.userId === u.id).map((h) => h.profileId),
      ),
    )
    .sort(byName)
    .map((u) => u.id);
}

describe('listUsers past the count cap', () => {
  const profileId = (name: string) => db.select().from(t.profiles).where(eq(t.profiles.name, name)).get()!.id;
  const groupId = (name: string) => db.select().from(t.groups).where(eq(t.groups.name, name)).get()!.id;

  it('counts an unfiltered list exactly, and a broad filter as "more than" the cap', () => {
    const all = listUsers({ ctx: principalOf(db, 'admin'), input: {} });
    expect(all).toMatchObject({ total: EXTRA + 44, moreThanTotal: false });
    const active = listUsers({ ctx: principalOf(db, 'admin'), input: { status: 'active' } });
    expect(active).toMatchObject({ total: COUNT_CAP, moreThanTotal: true });
    expect(listUsers({ ctx: principalOf(db, 'admin'), input: { q: 'load' } })).toMatchObject({ total: COUNT_CAP, moreThanTotal: true });
  });

  it.each([
    ['a few (deactivated)', { status: 'deactivated' }, (u: typeof t.users.$inferSelect) => u.status === 'deactivated'],
    ['most (active)', { status: 'active' }, (u: typeof t.users.$inferSelect) => u.status === 'active'],
  ])('pages through %s users in name order, each once', (_label, input, keep) => {
    const { rows } = everyPage(input);
    expect(rows.map((r) => r.id)).toEqual(expected(keep));
  });

  it('pages through a rare profile, a common one, a group with its sub-groups and a role, each once and in order', () => {
    const campaign = profileId('Campaign manager');
    expect(everyPage({ profile: campaign }).rows.map((r) => r.id)).toEqual(expected((_u, p) => p.includes(campaign)));
    const agent = profileId('Agent');
    const agents = everyPage({ profile: agent, status: 'deactivated' });
    expect(agents.rows.map((r) => r.id)).toEqual(expected((u, p) => p.includes(agent) && u.status === 'deactivated'));
    const support = [groupId('Support'), groupId('Tier 1'), groupId('Tier 2')];
    expect(everyPage({ group: groupId('Support') }).rows.map((r) => r.id)).toEqual(expected((u) => support.includes(u.groupId ?? 0)));
    expect(everyPage({ role: 'campaign-manager' }).first.total).toBe(expected((_u, p) => p.includes(campaign)).length);
  });

  it('finds three characters or more anywhere (any case), and one or two at the start of a name, login name or email', () => {
    const ctx = principalOf(db, 'admin');
    const contains = (text: string) => expected((u) => [u.name, u.loginName, u.email].some((v) => v.toLowerCase().includes(text)));
    expect(contains('oad0999')).toHaveLength(10);
    expect(everyPage({ q: 'OAD0999' }).rows.map((r) => r.id)).toEqual(contains('oad0999'));
    expect(listUsers({ ctx, input: { q: 'rgan man' } }).rows.map((r) => r.loginName)).toEqual(['manager']);
    expect(listUsers({ ctx, input: { q: '@example.org' } }).moreThanTotal).toBe(true);
    // Too short for trigrams: the start of a name ("Morgan"), login name ("manager") or email.
    expect(listUsers({ ctx, input: { q: 'mo' } }).rows.map((r) => r.loginName)).toEqual(['manager']);
    expect(listUsers({ ctx, input: { q: 'rg' } }).total).toBe(0);
    expect(listUsers({ ctx, input: { q: 'Q' } }).total).toBe(expected((u) => /^q/i.test(u.name) || /^q/i.test(u.loginName) || /^q/i.test(u.email)).length);
    // The index follows renames.
    const manager = db.select().from(t.users).where(eq(t.users.loginName, 'manager')).get()!;
    db.update(t.users).set({ name: 'Morwenna Manager' }).where(eq(t.users.id, manager.id)).run();
    expect(listUsers({ ctx, input: { q: 'morwenna' } }).rows.map((r) => r.id)).toEqual([manager.id]);
    expect(listUsers({ ctx, input: { q: 'morgan' } }).total).toBe(0);
  });
});
