import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { createTestDatabase, principalOf, refusalOf } from '@/lib/testing/db';
import { getProfile, listProfileImpactUsers, saveProfile } from '.';

let db: DB;
beforeAll(async () => {
  db = await createTestDatabase();
});

const JOIN = 'join-agents-conversations-in-group';
const agentProfile = () => db.select().from(t.profiles).where(eq(t.profiles.name, 'Agent')).get()!;
const salesGroup = () => db.select().from(t.groups).where(eq(t.groups.name, 'Sales')).get()!.id;

describe('listProfileImpactUsers: who a change moves, by name', () => {
  it('names the holders of a draft save, paged by login name, searchable, with what their group gains', () => {
    const admin = principalOf(db, 'admin');
    const p = agentProfile();
    const draft = [...getProfile({ ctx: admin, input: { id: p.id } }).permissions, JOIN];
    const first = listProfileImpactUsers({ ctx: admin, input: { id: p.id, change: { kind: 'save', permissions: draft } } });
    expect(first.groups).toEqual([{ fromVersion: 1, holders: 42, gains: ["Join agents' conversations in group"], losses: [] }]);
    expect(first.total).toBe(42);
    expect(first.unnamed).toBe(0);
    expect(first.users).toHaveLength(10);
    const logins = first.users.map((u) => u.loginName);
    expect(logins).toEqual([...logins].sort());
    expect(first.next).not.toBeNull();
    const second = listProfileImpactUsers({ ctx: admin, input: { id: p.id, change: { kind: 'save', permissions: draft }, after: first.next } });
    expect(second.users[0]!.loginName > logins.at(-1)!).toBe(true);

    const found = listProfileImpactUsers({ ctx: admin, input: { id: p.id, change: { kind: 'save', permissions: draft }, q: 'Sam Sal' } });
    expect(found).toMatchObject({ total: 1, users: [{ loginName: 'sales', name: 'Sam Sales', fromVersion: 1 }], next: null });
    // A search is text, not a pattern.
    expect(listProfileImpactUsers({ ctx: admin, input: { id: p.id, change: { kind: 'save', permissions: draft }, q: '%' } }).total).toBe(0);
  });

  it('an agent manager sees the holders inside his group structure by name and the others only as a count', () => {
    const manager = principalOf(db, 'manager');
    const p = agentProfile();
    const permissions = getProfile({ ctx: principalOf(db, 'admin'), input: { id: p.id } }).permissions;
    const page = listProfileImpactUsers({ ctx: manager, input: { id: p.id, change: { kind: 'save', permissions }, limit: 100 } });
    const inSales = db.select().from(t.users).where(eq(t.users.groupId, salesGroup())).all().length;
    expect(page.unnamed).toBe(inSales);
    expect(page.total).toBe(42 - inSales);
    const sales = new Set(
      db
        .select()
        .from(t.users)
        .where(eq(t.users.groupId, salesGroup()))
        .all()
        .map((u) => u.loginName),
    );
    expect(page.users.some((u) => sales.has(u.loginName))).toBe(false);
  });

  it('Apply to all names only the holders behind, with their diff; Roll back names everyone whose permissions move', () => {
    const admin = principalOf(db, 'admin');
    const p = agentProfile();
    const v1 = getProfile({ ctx: admin, input: { id: p.id } }).permissions;
    saveProfile({
      ctx: admin,
      input: { id: p.id, rowVersion: p.rowVersion, name: p.name, description: p.description, permissions: [...v1, JOIN], mode: 'new-users' },
    });
    const apply = listProfileImpactUsers({ ctx: admin, input: { id: p.id, change: { kind: 'apply' } } });
    expect(apply.groups).toEqual([{ fromVersion: 1, holders: 42, gains: ["Join agents' conversations in group"], losses: [] }]);
    // Everyone is on version 1 already: rolling back to it changes nobody's permissions.
    expect(listProfileImpactUsers({ ctx: admin, input: { id: p.id, change: { kind: 'rollback', version: 1 } } })).toMatchObject({
      groups: [],
      users: [],
      total: 0,
    });
    const back = listProfileImpactUsers({ ctx: admin, input: { id: p.id, change: { kind: 'rollback', version: 2 } } });
    expect(back.groups[0]).toMatchObject({ fromVersion: 1, gains: ["Join agents' conversations in group"] });
  });

  it('forbidden: an agent is refused; precondition: a bad page link is a readable refusal', () => {
    const p = agentProfile();
    expect(refusalOf(() => listProfileImpactUsers({ ctx: principalOf(db, 'agent'), input: { id: p.id, change: { kind: 'apply' } } })).code).toBe('forbidden');
    expect(refusalOf(() => listProfileImpactUsers({ ctx: principalOf(db, 'admin'), input: { id: p.id, change: { kind: 'nope' } } })).code).toBe('invalid');
  });
});
