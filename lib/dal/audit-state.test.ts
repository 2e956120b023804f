import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { entityState } from '@/db/audit-state';
import { verifyAuditChain } from '@/db/audit-chain';
import { createTestDatabase, principalOf, userByLogin } from '@/lib/testing/db';
import { bulkUpdateUsers, assignProfile, unassignProfile, addOverride, createUser, deleteUser, removeOverride, setUserStatus } from './users';
import { applyProfileToAll, createProfile, deleteProfile, getProfile, saveProfile } from './profiles';
import { createRole, deleteRole, getRoleEditor, updateRole } from './roles';
import { setAccountFeature } from './settings';
import { createGroup } from './groups-skills';

let db: DB;
const JOIN = 'join-agents-conversations-in-group';
beforeAll(async () => {
  db = await createTestDatabase();
});

interface Event {
  id: number;
  source: string;
  action: string;
  state: unknown;
}
/** The events about one entity, oldest first, with their states parsed. */
const eventsOf = (entityType: string, entityId: string | number): Event[] =>
  (
    db.$client
      .prepare('select id, source, action, state from audit_events where entity_type = ? and entity_id = ? order by id')
      .all(entityType, String(entityId)) as {
      id: number;
      source: string;
      action: string;
      state: string | null;
    }[]
  ).map((e) => ({ ...e, state: e.state === null ? null : JSON.parse(e.state) }));
const lastState = (entityType: string, entityId: string | number) => eventsOf(entityType, entityId).at(-1)?.state;
const profileId = (name: string) => db.select().from(t.profiles).where(eq(t.profiles.name, name)).get()!.id;
const rowVersion = (login: string) => userByLogin(db, login).rowVersion;

describe('state snapshots in the audit log', () => {
  it('the seed writes a system event with its state for every user, profile and account feature', () => {
    const users = db.select().from(t.users).all();
    const profiles = db.select().from(t.profiles).all();
    const features = db.select().from(t.accountFeatures).all();
    for (const [type, rows] of [
      ['user', users.map((u) => u.id)],
      ['profile', profiles.map((p) => p.id)],
      ['account-feature', features.map((f) => f.key)],
    ] as const) {
      for (const id of rows) {
        const events = eventsOf(type, id);
        expect(events, `${type} ${id}`).toHaveLength(1);
        expect(events[0]).toMatchObject({ source: 'system', action: 'create' });
        expect(events[0]!.state).not.toBeNull();
      }
    }
    const agent = userByLogin(db, 'agent');
    expect(lastState('user', agent.id)).toEqual({
      status: 'active',
      groupId: agent.groupId,
      profiles: [{ profileId: profileId('Agent'), profileName: 'Agent', roleKey: 'agent', version: 1 }],
      overrides: [],
    });
    expect(lastState('account-feature', 'messaging')).toEqual({ enabled: true });
    // The summary event of the seed is still there.
    expect(db.select().from(t.auditEvents).where(eq(t.auditEvents.action, 'seed')).all()).toHaveLength(1);
  });

  it('user verbs leave his status, profiles and overrides after the change in their event', async () => {
    const admin = principalOf(db, 'admin');
    const sales = userByLogin(db, 'sales');
    const expiresAt = new Date(Date.now() + 3_600_000);
    const { id: overrideId } = addOverride({
      ctx: admin,
      input: { userId: sales.id, permissionKey: JOIN, effect: 'grant', reason: 'pilot', expiresAt: expiresAt.toISOString() },
    });
    expect(lastState('user', sales.id)).toMatchObject({
      overrides: [
        {
          id: overrideId,
          permissionKey: JOIN,
          effect: 'grant',
          level: null,
          reason: 'pilot',
          expiresAt: expiresAt.getTime(),
          createdBy: 'Avery Admin',
          createdById: admin.userId,
        },
      ],
    });
    assignProfile({ ctx: admin, input: { userId: sales.id, profileId: profileId('Campaign manager') } });
    expect((lastState('user', sales.id) as { profiles: { profileName: string }[] }).profiles.map((p) => p.profileName).sort()).toEqual([
      'Agent',
      'Campaign manager',
    ]);
    unassignProfile({ ctx: admin, input: { userId: sales.id, roleKey: 'campaign-manager' } });
    removeOverride({ ctx: admin, input: { id: overrideId } });
    expect(lastState('user', sales.id)).toMatchObject({ profiles: [{ profileName: 'Agent' }], overrides: [] });
    setUserStatus({ ctx: admin, input: { id: sales.id, rowVersion: rowVersion('sales'), status: 'deactivated' } });
    expect(lastState('user', sales.id)).toMatchObject({ status: 'deactivated' });

    const { id } = await createUser({
      ctx: admin,
      input: { loginName: 'brief.stay', password: 'brief-password', email: 'b@example.com', name: 'Brief Stay', nickname: 'B', groupId: null, profileIds: [] },
    });
    expect(lastState('user', id)).toEqual({ status: 'active', groupId: null, profiles: [], overrides: [] });
    deleteUser({ ctx: admin, input: { id, rowVersion: 1 } });
    expect(eventsOf('user', id).map((e) => [e.action, e.state])).toEqual([
      ['create', { status: 'active', groupId: null, profiles: [], overrides: [] }],
      ['delete', { deleted: true }],
    ]);
  });

  it('bulk actions go through the same verbs: a state for each user changed', () => {
    const admin = principalOf(db, 'admin');
    const users = ['chloe.nguyen', 'dev.nguyen'].map((l) => userByLogin(db, l));
    const before = users.map((u) => eventsOf('user', u.id).length);
    bulkUpdateUsers({
      ctx: admin,
      input: { userIds: users.map((u) => u.id), action: { kind: 'assign-profile', profileId: profileId('Campaign manager') } },
      preview: false,
    });
    users.forEach((u, i) => {
      expect(eventsOf('user', u.id)).toHaveLength(before[i]! + 1);
      expect((lastState('user', u.id) as { profiles: { roleKey: string }[] }).profiles.map((p) => p.roleKey)).toContain('campaign-manager');
    });
  });

  it('profile verbs record the floor and head versions and the head version\u2019s content', () => {
    const admin = principalOf(db, 'admin');
    const { id } = createProfile({ ctx: admin, input: { roleKey: 'agent', name: 'Night agents', permissions: [] } });
    expect(lastState('profile', id)).toMatchObject({
      name: 'Night agents',
      roleKey: 'agent',
      headVersion: 1,
      floorVersion: 1,
      head: { version: 1, permissions: [] },
    });
    const detail = getProfile({ ctx: admin, input: { id } });
    saveProfile({
      ctx: admin,
      input: { id, rowVersion: detail.rowVersion, name: 'Night agents', description: '', permissions: [JOIN], note: '', mode: 'new-users' },
    });
    expect(lastState('profile', id)).toMatchObject({ headVersion: 2, floorVersion: 1, head: { version: 2, permissions: [JOIN] } });
    applyProfileToAll({ ctx: admin, input: { id, rowVersion: detail.rowVersion + 1 } });
    expect(lastState('profile', id)).toMatchObject({ headVersion: 2, floorVersion: 2 });
    deleteProfile({ ctx: admin, input: { id, rowVersion: detail.rowVersion + 2 } });
    expect(lastState('profile', id)).toEqual({ deleted: true });
  });

  it('a custom role\u2019s edits reach its default profile, whose own events carry its state', () => {
    const admin = principalOf(db, 'admin');
    const { key, defaultProfileId } = createRole({ ctx: admin, input: { baseRoleKey: 'agent', name: 'Chat lead', rank: 1, defaults: [] } });
    expect(eventsOf('role', key).map((e) => e.state)).toEqual([null]);
    expect(lastState('profile', defaultProfileId)).toMatchObject({
      name: 'Chat lead',
      roleKey: key,
      headVersion: 1,
      floorVersion: 1,
      head: { permissions: [] },
    });
    const editor = getRoleEditor({ ctx: principalOf(db, 'admin'), input: { key } });
    updateRole({
      ctx: principalOf(db, 'admin'),
      input: { key, rowVersion: editor.rowVersion, name: 'Chat lead', description: '', rank: 1, defaults: [JOIN], mode: 'new-users' },
    });
    expect(lastState('profile', defaultProfileId)).toMatchObject({ headVersion: 2, floorVersion: 1, head: { version: 2, permissions: [JOIN] } });
    deleteRole({ ctx: principalOf(db, 'admin'), input: { key, rowVersion: editor.rowVersion + 1 } });
    expect(lastState('profile', defaultProfileId)).toEqual({ deleted: true });
  });

  it('an account feature records its switch; entities permissions do not depend on carry no state', () => {
    const admin = principalOf(db, 'admin');
    const row = db.select().from(t.accountFeatures).where(eq(t.accountFeatures.key, 'messaging')).get()!;
    setAccountFeature({ ctx: admin, input: { key: 'messaging', enabled: false, rowVersion: row.rowVersion } });
    expect(lastState('account-feature', 'messaging')).toEqual({ enabled: false });
    const { id } = createGroup({ ctx: admin, input: { name: 'Weekend', parentId: null } });
    expect(eventsOf('group', id).map((e) => e.state)).toEqual([null]);
  });

  it('after all of the above, the log\u2019s last state of every user, profile and feature is what the database holds, and the chain holds', () => {
    for (const u of db.select({ id: t.users.id }).from(t.users).all()) expect(lastState('user', u.id), `user ${u.id}`).toEqual(entityState(db, 'user', u.id));
    for (const p of db.select({ id: t.profiles.id }).from(t.profiles).all())
      expect(lastState('profile', p.id), `profile ${p.id}`).toEqual(entityState(db, 'profile', p.id));
    for (const f of db.select({ key: t.accountFeatures.key }).from(t.accountFeatures).all())
      expect(lastState('account-feature', f.key), f.key).toEqual(entityState(db, 'account-feature', f.key));
    expect(verifyAuditChain(db)).toMatchObject({ ok: true });
  });
});
