import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { createTestDatabase, principalOf, snapshot } from '@/lib/testing/db';
import { DalError } from '../errors';
import { listUsers, userFilterOptions, type UserRow } from './list';

let db: DB;
beforeAll(async () => {
  db = await createTestDatabase();
});

/** Walk every page forwards from the first; returns the rows in order. */
function walk(loginName: string, input: Record<string, unknown>) {
  const ctx = principalOf(db, loginName);
  const rows: UserRow[] = [];
  const cursors: (string | null)[] = [];
  let page = listUsers({ ctx, input });
  rows.push(...page.rows);
  while (page.next) {
    cursors.push(page.next);
    page = listUsers({ ctx, input: { ...input, after: page.next } });
    rows.push(...page.rows);
  }
  return { rows, total: page.total, last: page };
}

function groupIdsUnder(name: string): number[] {
  const all = db.select().from(t.groups).all();
  const root = all.find((g) => g.name === name)!;
  const out = [root.id];
  for (let i = 0; i < out.length; i++) for (const g of all) if (g.parentId === out[i]) out.push(g.id);
  return out;
}

describe('listUsers', () => {
  it('an admin sees every user, each once, in name order, over keyset pages', () => {
    const { rows, total } = walk('admin', { pageSize: 7 });
    const everyone = db.select().from(t.users).all();
    expect(total).toBe(everyone.length);
    expect(rows.map((r) => r.id).sort((a, b) => a - b)).toEqual(everyone.map((u) => u.id).sort((a, b) => a - b));
    const names = rows.map((r) => r.name.toLowerCase());
    expect(names).toEqual([...names].sort());
  });

  it('walks backwards to the same pages', () => {
    const ctx = principalOf(db, 'admin');
    const p1 = listUsers({ ctx, input: { pageSize: 10, sort: 'email', dir: 'desc' } });
    const p2 = listUsers({ ctx, input: { pageSize: 10, sort: 'email', dir: 'desc', after: p1.next } });
    const back = listUsers({ ctx, input: { pageSize: 10, sort: 'email', dir: 'desc', before: p2.prev } });
    expect(back.rows.map((r) => r.id)).toEqual(p1.rows.map((r) => r.id));
    expect(back.prev).toBeNull();
    expect(p1.prev).toBeNull();
  });

  it('an agent manager sees exactly the users of his managed subtree', () => {
    const { rows, total } = walk('manager', { pageSize: 100 });
    const reach = groupIdsUnder('Support');
    const expected = db
      .select()
      .from(t.users)
      .all()
      .filter((u) => u.groupId !== null && reach.includes(u.groupId));
    expect(total).toBe(expected.length);
    expect(rows.map((r) => r.id).sort((a, b) => a - b)).toEqual(expected.map((u) => u.id).sort((a, b) => a - b));
    expect(rows.some((r) => r.loginName === 'sales')).toBe(false);
  });

  it('filters by search, group (with its sub-groups), role, profile and status', () => {
    const ctx = principalOf(db, 'admin');
    const byName = listUsers({ ctx, input: { q: 'MORGAN' } });
    expect(byName.rows.map((r) => r.loginName)).toEqual(['manager']);
    const byEmail = listUsers({ ctx, input: { q: 'sales@example' } });
    expect(byEmail.rows.map((r) => r.loginName)).toEqual(['sales']);
    expect(listUsers({ ctx, input: { q: '%' } }).total).toBe(0); // LIKE wildcards are literal

    const support = groupIdsUnder('Support');
    const supportId = support[0]!;
    const inSupport = walk('admin', { group: supportId, pageSize: 100 }).rows;
    expect(inSupport.length).toBeGreaterThan(0);
    expect(inSupport.every((r) => r.group && support.includes(r.group.id))).toBe(true);
    expect(inSupport.some((r) => r.group?.name === 'Tier 1')).toBe(true);

    const admins = listUsers({ ctx, input: { role: 'admin' } });
    expect(admins.rows.map((r) => r.loginName)).toEqual(['admin']);
    const managerProfile = admins.rows[0]!.profiles[0]!;
    expect(listUsers({ ctx, input: { profile: managerProfile.id } }).rows.map((r) => r.loginName)).toEqual(['admin']);

    expect(listUsers({ ctx, input: { status: 'deactivated' } }).total).toBe(0);
  });

  it('refuses an agent, names the missing permission, and records the attempt', () => {
    const ctx = principalOf(db, 'agent');
    const before = db.select().from(t.deniedAttempts).all().length;
    expect(() => listUsers({ ctx, input: {} })).toThrow(DalError);
    expect(() => listUsers({ ctx, input: {} })).toThrow(/Manage users and roles/);
    const denied = db.select().from(t.deniedAttempts).where(eq(t.deniedAttempts.actorName, 'agent')).all();
    expect(denied.length).toBe(before + 2);
    expect(denied[0]!.action).toBe('see the users list');
  });

  it.each([
    [{ q: 'x'.repeat(201) }, 'q', /Search is too long/],
    [{ status: 'sleeping' }, 'status', /Status must be active or deactivated/],
    [{ group: 'abc' }, 'group', /Group must be a number/],
    [{ sort: 'password' }, 'sort', /Sort must be one of/],
    [{ pageSize: 100000 }, 'pageSize', /at most 100/],
    [{ after: 'garbage' }, 'after', /start from the first page/],
    [{ q: 'a\u0000b' }, 'q', /control characters/],
  ])('bad input %j is refused naming %s, and changes nothing', (input, field, message) => {
    const ctx = principalOf(db, 'admin');
    const before = snapshot(db);
    let caught: unknown;
    try {
      listUsers({ ctx, input });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DalError);
    expect((caught as DalError).code).toBe('invalid');
    expect((caught as DalError).message).toMatch(message);
    expect(Object.keys((caught as DalError).fieldErrors ?? {})).toContain(field);
    expect(snapshot(db)).toEqual(before);
  });
});

describe('userFilterOptions', () => {
  it('offers an agent manager only the groups of his subtree', () => {
    const options = userFilterOptions({ ctx: principalOf(db, 'manager') });
    expect(options.groups.map((g) => g.name).sort()).toEqual(['Support', 'Tier 1', 'Tier 2']);
    expect(userFilterOptions({ ctx: principalOf(db, 'admin') }).groups.map((g) => g.name)).toContain('Sales');
  });

  it('refuses an agent', () => {
    expect(() => userFilterOptions({ ctx: principalOf(db, 'agent') })).toThrow(/You need one of the permissions "Manage users and roles"/);
  });
});
