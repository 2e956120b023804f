import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { createTestDatabase, principalOf, refusalOf, snapshot } from '@/lib/testing/db';
import { createGroup, createSkill, deleteGroup, deleteSkill, renameSkill, updateGroup } from './groups-skills';

let db: DB;
beforeAll(async () => {
  db = await createTestDatabase();
});

const group = (name: string) => db.select().from(t.groups).where(eq(t.groups.name, name)).get()!;

describe('groups', () => {
  it('a manager creates, renames and deletes a group inside his subtree, with audit rows', () => {
    const manager = principalOf(db, 'manager');
    const { id } = createGroup({ ctx: manager, input: { name: 'Night shift', parentId: group('Tier 2').id } });
    updateGroup({ ctx: manager, input: { id, rowVersion: 1, name: 'Night shift EU', parentId: group('Tier 1').id, enabled: false } });
    expect(group('Night shift EU')).toMatchObject({ parentId: group('Tier 1').id, enabled: false });
    deleteGroup({ ctx: manager, input: { id, rowVersion: 2 } });
    const actions = db
      .select()
      .from(t.auditEvents)
      .where(and(eq(t.auditEvents.entityType, 'group'), eq(t.auditEvents.entityId, String(id))))
      .all()
      .map((e) => e.action);
    expect(actions).toEqual(['create', 'update', 'delete']);
  });

  it.each([
    ['a top-level group', 'manager', () => createGroup({ ctx: principalOf(db, 'manager'), input: { name: 'Rogue', parentId: null } }), 'forbidden'],
    [
      'a group under Sales',
      'manager',
      () => createGroup({ ctx: principalOf(db, 'manager'), input: { name: 'Rogue', parentId: group('Sales').id } }),
      'not-found',
    ],
    [
      'moving the group he manages',
      'manager',
      () =>
        updateGroup({
          ctx: principalOf(db, 'manager'),
          input: { id: group('Support').id, rowVersion: 1, name: 'Support', parentId: group('Sales').id, enabled: true },
        }),
      'forbidden',
    ],
    [
      'an agent creating any group',
      'agent',
      () => createGroup({ ctx: principalOf(db, 'agent'), input: { name: 'X', parentId: group('Tier 1').id } }),
      'forbidden',
    ],
  ])('refuses %s (%s), changing nothing', (_label, _who, attempt, code) => {
    const before = snapshot(db);
    expect(refusalOf(attempt).code).toBe(code);
    expect(snapshot(db)).toEqual(before);
  });

  it.each([
    ['under itself', () => ({ id: group('Support').id, parentId: group('Support').id }), /under itself/],
    ['under its own sub-group', () => ({ id: group('Support').id, parentId: group('Tier 1').id }), /under itself or one of its own sub-groups/],
  ])('a move %s makes a cycle and is refused', (_label, move, message) => {
    const m = move();
    const before = snapshot(db);
    const error = refusalOf(() => updateGroup({ ctx: principalOf(db, 'admin'), input: { ...m, rowVersion: 1, name: 'Support', enabled: true } }));
    expect(error.message).toMatch(message);
    expect(error.fieldErrors).toHaveProperty('parentId');
    expect(snapshot(db)).toEqual(before);
  });

  it('deletes only an empty group, and says what is left in it', () => {
    expect(refusalOf(() => deleteGroup({ ctx: principalOf(db, 'admin'), input: { id: group('Support').id, rowVersion: 1 } })).message).toMatch(
      /member\(s\), 2 sub-group\(s\), 1 manager\(s\)/,
    );
    expect(
      refusalOf(() => createGroup({ ctx: principalOf(db, 'admin'), input: { name: 'tier 1', parentId: group('Support').id } })).fieldErrors,
    ).toHaveProperty('name');
  });
});

describe('skills', () => {
  it('creates and renames; a name clash is refused', () => {
    const admin = principalOf(db, 'admin');
    const { id } = createSkill({ ctx: admin, input: { name: 'German' } });
    renameSkill({ ctx: admin, input: { id, name: 'German (native)' } });
    expect(refusalOf(() => createSkill({ ctx: admin, input: { name: 'german (NATIVE)' } })).fieldErrors).toHaveProperty('name');
    expect(refusalOf(() => createSkill({ ctx: principalOf(db, 'agent'), input: { name: 'Y' } })).code).toBe('forbidden');
  });

  it('a held skill is deleted only with the confirmation, which removes it from its agents, listed', () => {
    const admin = principalOf(db, 'admin');
    const billing = db.select().from(t.skills).where(eq(t.skills.name, 'Billing')).get()!;
    const before = snapshot(db);
    expect(refusalOf(() => deleteSkill({ ctx: admin, input: { id: billing.id } })).message).toMatch(/held by \d+ agent\(s\): agent, /);
    expect(snapshot(db)).toEqual(before);
    // The manager may not remove a skill from agents outside his subtree.
    const salesChat = db.select().from(t.skills).where(eq(t.skills.name, 'Sales chat')).get()!;
    expect(refusalOf(() => deleteSkill({ ctx: principalOf(db, 'manager'), input: { id: salesChat.id, removeFromAgents: true } })).code).toBe('forbidden');
    const { removedFrom } = deleteSkill({ ctx: admin, input: { id: billing.id, removeFromAgents: true } });
    expect(removedFrom).toContain('agent');
    expect(db.select().from(t.userSkills).where(eq(t.userSkills.skillId, billing.id)).all()).toEqual([]);
  });
});
