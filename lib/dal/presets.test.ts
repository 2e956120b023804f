import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { setDbForTesting, type DB } from '@/db/client';
import { prepareDatabase } from '@/db/setup';
import * as t from '@/db/schema';
import { principalOf, refusalOf, userByLogin } from '@/lib/testing/db';
import { AREAS } from '@/lib/permissions/console';
import { holds } from './authorize';
import { assignProfile, getUserAccess } from './users';
import { listRoles } from './roles';
import { listAuditEvents } from './directory';

/** The Aivo Live preset from an empty database, and its exclusive rules. */
let db: DB;
beforeAll(async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-aivo-')), 'aivo.db');
  db = (await prepareDatabase({ file, preset: 'aivo', demoPassword: 'aivo-password' })).db;
  setDbForTesting(db);
});

const profile = (name: string) => db.select().from(t.profiles).where(eq(t.profiles.name, name)).get()!.id;
const areasOf = (login: string) => {
  const ctx = principalOf(db, login);
  return AREAS.filter((a) => a.anyOf.some((k) => holds(ctx, k))).map((a) => a.label);
};

describe('the aivo preset', () => {
  it('ranks its six roles from the lowest to the highest access', () => {
    expect(listRoles({ ctx: principalOf(db, 'admin') }).map((r) => [r.name, r.rank])).toEqual([
      ['Agent', 1],
      ['Agent Dashboard', 2],
      ['Coordinator', 3],
      ['Supervisor Agent', 4],
      ['Supervisor', 5],
      ['Administrator', 6],
    ]);
  });

  it('gives each role its sections', () => {
    const has = (login: string, key: string) => holds(principalOf(db, login), key);
    expect(has('agent', 'chat') && has('agent', 'proactive-messages') && !has('agent', 'reports')).toBe(true);
    expect(has('coordinator', 'reports') && has('coordinator', 'waiting-conversations-monitor') && !has('coordinator', 'manage-users')).toBe(true);
    expect(has('supagent', 'manage-users') && has('supagent', 'chat') && has('supagent', 'break-requests-monitor')).toBe(true);
    expect(has('supervisor', 'settings') && !has('supervisor', 'chat') && !has('supervisor', 'proactive-messages')).toBe(true);
    expect(has('admin', 'manage-roles') && !has('admin', 'chat') && !has('admin', 'break-requests-monitor')).toBe(true);
  });

  it('only the Administrator sees the activity log, General Settings and Roles and Permissions', () => {
    expect(areasOf('admin')).toEqual(['Users', 'Profiles', 'Roles', 'Groups', 'Audit', 'Settings']);
    expect(areasOf('supervisor')).toEqual(['Users', 'Groups']);
    expect(areasOf('supagent')).toEqual(['Users', 'Groups']);
    expect(areasOf('agent')).toEqual([]);
    expect(refusalOf(() => listAuditEvents({ ctx: principalOf(db, 'supervisor'), input: {} })).code).toBe('forbidden');
    // The exclusive permissions are not even configurable in another role's profiles.
    const supervisorRole = principalOf(db, 'admin').catalog.roleByKey.get('supervisor')!;
    expect(['manage-roles', 'manage-general-settings', 'view-and-export-audit-trail'].some((k) => supervisorRole.permissionByKey.has(k))).toBe(false);
  });

  it('a Supervisor Agent cannot assign the Administrator role to anyone, himself included', () => {
    const supagent = principalOf(db, 'supagent');
    const admin = profile('Administrator');
    expect(refusalOf(() => assignProfile({ ctx: supagent, input: { userId: userByLogin(db, 'agent').id, profileId: admin } })).message).toMatch(
      /Only holders of the Administrator role may assign it/,
    );
    expect(refusalOf(() => assignProfile({ ctx: supagent, input: { userId: supagent.userId, profileId: admin } })).code).toBe('forbidden');
    expect(getUserAccess({ ctx: supagent, input: { id: userByLogin(db, 'agent').id } }).assignable.some((p) => p.roleKey === 'administrator')).toBe(false);
    // Nor can a Supervisor, nor touch the Administrator himself.
    expect(refusalOf(() => assignProfile({ ctx: principalOf(db, 'supervisor'), input: { userId: userByLogin(db, 'agent').id, profileId: admin } })).code).toBe(
      'forbidden',
    );
    expect(
      refusalOf(() => assignProfile({ ctx: principalOf(db, 'supervisor'), input: { userId: userByLogin(db, 'admin').id, profileId: profile('Agent') } }))
        .message,
    ).toMatch(/ranks above yours/);
  });

  it('the Administrator assigns the Administrator role', () => {
    const result = assignProfile({ ctx: principalOf(db, 'admin'), input: { userId: userByLogin(db, 'supervisor').id, profileId: profile('Administrator') } });
    expect(result.profileId).toBe(profile('Administrator'));
  });
});

describe('second review: rank, exclusive permissions, channel overrides, anonymized audit', () => {
  it('a custom role ranks below the top rank, and nobody edits a role ranked above him', async () => {
    const { createRole } = await import('./roles');
    const admin = principalOf(db, 'admin');
    const error = refusalOf(() => createRole({ ctx: admin, input: { baseRoleKey: 'administrator', name: 'Deputy', rank: 6, defaults: [] } }));
    expect(error.message).toMatch(/at most 5, below the top-ranked role/);
  });

  it('custom roles do not inherit the Administrator-only permissions, and no override grants them', async () => {
    const { createRole } = await import('./roles');
    const { addOverride } = await import('./users');
    const admin = principalOf(db, 'admin');
    const { key } = createRole({ ctx: admin, input: { baseRoleKey: 'administrator', name: 'Deputy admin', rank: 5, defaults: [] } });
    const role = principalOf(db, 'admin').catalog.roleByKey.get(key)!;
    expect(['manage-roles', 'manage-general-settings', 'view-and-export-audit-trail', 'manage-profiles'].some((k) => role.permissionByKey.has(k))).toBe(false);
    const grant = refusalOf(() =>
      addOverride({
        ctx: principalOf(db, 'admin'),
        input: { userId: userByLogin(db, 'coordinator').id, permissionKey: 'view-and-export-audit-trail', effect: 'grant', reason: 'x' },
      }),
    );
    expect(grant.message).toMatch(/exclusive to the Administrator role/);
  });

  it('a main-channel override cannot raise a sub-channel above the actor\u2019s own level', async () => {
    const { addOverride } = await import('./users');
    const admin = principalOf(db, 'admin');
    // The supervisor (rank 5) holds "Manage settings" in Web but only "View only" in its video sub-channel.
    addOverride({ ctx: admin, input: { userId: userByLogin(db, 'supervisor').id, permissionKey: 'web-video', effect: 'level', level: 'view', reason: 'x' } });
    const supervisor = principalOf(db, 'supervisor');
    const error = refusalOf(() =>
      addOverride({
        ctx: supervisor,
        input: { userId: userByLogin(db, 'agent').id, permissionKey: 'web', effect: 'level', level: 'manage-settings', reason: 'x' },
      }),
    );
    expect(error.message).toMatch(/in Video calls and co-browsing, so you can't give "Manage settings"/);
  });
});
