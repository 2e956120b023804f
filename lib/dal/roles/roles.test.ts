import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { createTestDatabase, principalOf, refusalOf, snapshot, userByLogin } from '@/lib/testing/db';
import { readEffectiveInput } from '../principal';
import { effectivePermissions } from '@/lib/permissions/effective';
import { createRole, deleteRole, getRoleEditor, listRoles, previewRoleChange, updateRole } from '.';
import { assignProfile } from '../users';
import { createProfile, deleteProfile, getProfile } from '../profiles';

let db: DB;
beforeAll(async () => {
  db = await createTestDatabase();
});

const JOIN = 'join-agents-conversations-in-group';
const has = (login: string, key: string) =>
  effectivePermissions(principalOf(db, 'admin').catalog, readEffectiveInput(userByLogin(db, login).id)).explain.get(key)?.allowed;

describe('roles', () => {
  it('lists the built-in roles, locked, with their use', () => {
    const roles = listRoles({ ctx: principalOf(db, 'admin') });
    expect(roles.map((r) => [r.name, r.builtIn])).toEqual([
      ['Agent', true],
      ['Agent manager', true],
      ['Campaign manager', true],
      ['Admin', true],
    ]);
    expect(roles.find((r) => r.key === 'agent')!.users).toBeGreaterThan(40);
    expect(refusalOf(() => listRoles({ ctx: principalOf(db, 'manager') })).code).toBe('forbidden');
  });

  it('creates "Team Lead" from Agent manager with its default profile; the role derives core and permissions from its base', () => {
    const admin = principalOf(db, 'admin');
    const draft = getRoleEditor({ ctx: admin, input: { baseRoleKey: 'agent-manager' } });
    const { key, defaultProfileId } = createRole({
      ctx: admin,
      input: { baseRoleKey: 'agent-manager', name: 'Team Lead', description: 'Leads a team', rank: 2, defaults: [...draft.defaults, 'manage-skills'] },
    });
    const fresh = principalOf(db, 'admin');
    const role = fresh.catalog.roleByKey.get(key)!;
    expect(role).toMatchObject({ name: 'Team Lead', builtIn: false, baseRoleKey: 'agent-manager', rank: 2 });
    expect(role.core).toEqual(fresh.catalog.roleByKey.get('agent-manager')!.core);
    expect(getProfile({ ctx: fresh, input: { id: defaultProfileId } })).toMatchObject({ name: 'Team Lead', isDefault: true, roleKey: key });
    expect(db.select().from(t.auditEvents).where(eq(t.auditEvents.entityId, key)).all()).toMatchObject([{ action: 'create', entityType: 'role' }]);
  });

  it.each([
    [{ baseRoleKey: 'agent', name: 'Too high', rank: 2, defaults: [] }, 'rank', /at most 1/],
    [{ baseRoleKey: 'agent', name: 'team lead', rank: 1, defaults: [] }, 'name', /already exists/],
    [{ baseRoleKey: 'nope', name: 'X', rank: 1, defaults: [] }, 'baseRoleKey', /built-in role/],
    [{ baseRoleKey: 'agent', name: 'X', rank: 1, defaults: ['no-such-permission'] }, 'defaults', /not a permission/],
    [{ baseRoleKey: 'agent', name: '', rank: 1, defaults: [] }, 'name', /Name is required/],
  ])('refuses bad input %#, naming %s, and changes nothing', (input, field, message) => {
    const before = snapshot(db);
    const error = refusalOf(() => createRole({ ctx: principalOf(db, 'admin'), input }));
    expect(error.message).toMatch(message);
    expect(Object.keys(error.fieldErrors ?? {})).toContain(field);
    expect(snapshot(db)).toEqual(before);
  });

  it('editing its defaults reaches its holders through a versioned save with a preview', () => {
    const admin = principalOf(db, 'admin');
    const role = admin.catalog.roles.find((r) => r.name === 'Team Lead')!;
    const editor = getRoleEditor({ ctx: admin, input: { key: role.key } });
    assignProfile({ ctx: admin, input: { userId: userByLogin(db, 'grace.nguyen').id, profileId: editor.defaultProfileId } });
    expect(has('grace.nguyen', 'customize-reports-in-analytics-builder')).toBe(false);
    const next = [...editor.defaults, 'customize-reports-in-analytics-builder'];
    expect(previewRoleChange({ ctx: admin, input: { key: role.key, defaults: next, mode: 'apply' } })).toMatchObject({
      affectedUsers: 1,
      gains: ['Customize reports in Analytics Builder'],
    });
    updateRole({
      ctx: admin,
      input: { key: role.key, rowVersion: editor.rowVersion, name: 'Team Lead', description: '', rank: 2, defaults: next, mode: 'apply' },
    });
    expect(has('grace.nguyen', 'customize-reports-in-analytics-builder')).toBe(true);
    expect(
      refusalOf(() =>
        updateRole({
          ctx: admin,
          input: { key: role.key, rowVersion: editor.rowVersion, name: 'Team Lead', description: '', rank: 2, defaults: next, mode: 'apply' },
        }),
      ).code,
    ).toBe('stale');
  });

  it('a role is deleted only when unused; the refusal lists users and profiles; built-in roles never', () => {
    const admin = principalOf(db, 'admin');
    const role = admin.catalog.roles.find((r) => r.name === 'Team Lead')!;
    const rowVersion = () => db.select().from(t.roles).where(eq(t.roles.key, role.key)).get()!.rowVersion;
    const extra = createProfile({ ctx: admin, input: { roleKey: role.key, name: 'Team Lead (nights)', permissions: [JOIN] } });
    expect(refusalOf(() => deleteRole({ ctx: admin, input: { key: role.key, rowVersion: rowVersion() } })).message).toMatch(
      /1 user\(s\) hold it: grace.nguyen; profiles of this role: Team Lead \(nights\)/,
    );
    expect(refusalOf(() => deleteRole({ ctx: admin, input: { key: 'agent', rowVersion: 1 } })).message).toMatch(/built-in role/);

    db.delete(t.userProfiles)
      .where(eq(t.userProfiles.userId, userByLogin(db, 'grace.nguyen').id))
      .run();
    deleteProfile({ ctx: admin, input: { id: extra.id, rowVersion: 1 } });
    deleteRole({ ctx: admin, input: { key: role.key, rowVersion: rowVersion() } });
    expect(db.select().from(t.roles).where(eq(t.roles.key, role.key)).get()).toBeUndefined();
    expect(principalOf(db, 'admin').catalog.roleByKey.has(role.key)).toBe(false);
  });

  it('forbidden: a manager cannot create roles; nobody makes defaults he could not grant', () => {
    expect(refusalOf(() => createRole({ ctx: principalOf(db, 'manager'), input: { baseRoleKey: 'agent', name: 'M', rank: 1, defaults: [] } })).code).toBe(
      'forbidden',
    );
  });
});
