import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { createTestDatabase, principalOf, snapshot, userByLogin } from '@/lib/testing/db';
import { bulkUpdateUsers } from './bulk';
import { exportUsersCsv } from './export';

let db: DB;
beforeAll(async () => {
  db = await createTestDatabase();
});

const ids = (...logins: string[]) => logins.map((l) => userByLogin(db, l).id);
const group = (name: string) => db.select().from(t.groups).where(eq(t.groups.name, name)).get()!.id;

describe('bulkUpdateUsers', () => {
  it('previews a result per user and changes nothing, then applies the same', () => {
    const manager = principalOf(db, 'manager');
    const input = { userIds: ids('agent', 'sales', 'manager', 'chloe.nguyen'), action: { kind: 'move-group', groupId: group('Tier 2') } };
    const before = snapshot(db, ['denied_attempts', 'login_throttle']);
    const preview = bulkUpdateUsers({ ctx: manager, input, preview: true });
    expect(snapshot(db, ['denied_attempts', 'login_throttle'])).toEqual(before);
    expect(preview.map((r) => [r.loginName, r.ok])).toEqual([
      ['agent', true],
      ['?', false], // outside his subtree: not even named
      ['manager', true],
      ['chloe.nguyen', true],
    ]);
    expect(preview[1]!.reason).toBe('There is no such user.');
    const applied = bulkUpdateUsers({ ctx: manager, input, preview: false });
    expect(applied.map((r) => r.ok)).toEqual(preview.map((r) => r.ok));
    expect(userByLogin(db, 'agent').groupId).toBe(group('Tier 2'));
    expect(userByLogin(db, 'sales').groupId).toBe(group('Sales'));
  });

  it('deactivation refuses the actor himself and keeps the last user-manager, per user', () => {
    const admin = principalOf(db, 'admin');
    const results = bulkUpdateUsers({ ctx: admin, input: { userIds: ids('admin', 'ben.okafor'), action: { kind: 'deactivate' } }, preview: false });
    expect(results).toMatchObject([
      { loginName: 'admin', ok: false, reason: expect.stringMatching(/own status/) },
      { loginName: 'ben.okafor', ok: true },
    ]);
    expect(userByLogin(db, 'ben.okafor').status).toBe('deactivated');
  });

  it('adds a skill only to agents; assigning a profile follows the no-escalation rules', () => {
    const admin = principalOf(db, 'admin');
    const skill = bulkUpdateUsers({ ctx: admin, input: { userIds: ids('agent', 'manager'), action: { kind: 'add-skill', skill: 'VIP' } }, preview: false });
    expect(skill.map((r) => r.ok)).toEqual([true, false]);
    const adminProfile = db.select().from(t.profiles).where(eq(t.profiles.name, 'Admin')).get()!.id;
    const byManager = bulkUpdateUsers({
      ctx: principalOf(db, 'manager'),
      input: { userIds: ids('agent'), action: { kind: 'assign-profile', profileId: adminProfile } },
      preview: true,
    });
    expect(byManager[0]).toMatchObject({ ok: false, reason: expect.stringMatching(/Only holders of the Admin role/) });
  });

  it('refuses an agent, an empty selection and an unknown action', () => {
    expect(() => bulkUpdateUsers({ ctx: principalOf(db, 'agent'), input: { userIds: [1], action: { kind: 'deactivate' } }, preview: true })).toThrow(
      /You need/,
    );
    expect(() => bulkUpdateUsers({ ctx: principalOf(db, 'admin'), input: { userIds: [], action: { kind: 'deactivate' } }, preview: true })).toThrow(
      /Select users first/,
    );
    expect(() => bulkUpdateUsers({ ctx: principalOf(db, 'admin'), input: { userIds: [1], action: { kind: 'delete-everything' } }, preview: true })).toThrow();
  });
});

describe('exportUsersCsv', () => {
  it('exports what the filters show, with profiles, roles, group, skills and status', () => {
    const rows = parse(exportUsersCsv({ ctx: principalOf(db, 'admin'), input: { group: group('Sales') } }), { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.every((r) => r.Group === 'Sales')).toBe(true);
    expect(rows.find((r) => r['Login name'] === 'sales')).toMatchObject({ Profiles: 'Agent', Roles: 'Agent', Skills: 'Sales chat', Status: 'active' });
  });

  it('an agent manager exports his subtree only; an agent is refused', () => {
    const rows = parse(exportUsersCsv({ ctx: principalOf(db, 'manager'), input: {} }), { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => ['Support', 'Tier 1', 'Tier 2'].includes(r.Group!))).toBe(true);
    expect(() => exportUsersCsv({ ctx: principalOf(db, 'agent'), input: {} })).toThrow(/Export list of users in group/);
  });
});
