import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { createTestDatabase, principalOf, refusalOf, snapshot, userByLogin } from '@/lib/testing/db';
import { DalError } from './errors';
import { applyProfileToAll, createProfile, getProfile, rollbackProfile, saveProfile } from './profiles';
import { authenticateApiKey, createApiKey, revokeApiKey } from './api-keys';
import { addOverride, createUser, getUserDetails, removeOverride, updateUser } from './users';
import { createGroup, createSkill, renameSkill, updateGroup } from './groups-skills';
import { setAccountFeature } from './settings';

/** Holes a review found in the first version of these rules; each case failed before its fix. */
let db: DB;
beforeAll(async () => {
  db = await createTestDatabase();
});

const profileByName = (name: string) => db.select().from(t.profiles).where(eq(t.profiles.name, name)).get()!;
const group = (name: string) => db.select().from(t.groups).where(eq(t.groups.name, name)).get()!.id;

describe('the account always keeps someone able to manage users and profiles', () => {
  it.each(['manage-users-and-roles', 'manage-profiles'])('saving the Admin profile without %s and applying it is refused, by any route', (key) => {
    const admin = principalOf(db, 'admin');
    const p = getProfile({ ctx: admin, input: { id: profileByName('Admin').id } });
    const without = p.permissions.filter((k) => k !== key);
    const before = snapshot(db);
    expect(
      refusalOf(() =>
        saveProfile({
          ctx: admin,
          input: { id: p.id, rowVersion: p.rowVersion, name: 'Admin', description: '', permissions: without, note: '', mode: 'apply' },
        }),
      ).message,
    ).toMatch(/No active user would hold/);
    expect(snapshot(db)).toEqual(before);

    // Saving for new users only is harmless now; applying it to everyone afterwards is not.
    saveProfile({
      ctx: admin,
      input: { id: p.id, rowVersion: p.rowVersion, name: 'Admin', description: '', permissions: without, note: '', mode: 'new-users' },
    });
    const after = getProfile({ ctx: admin, input: { id: p.id } });
    expect(refusalOf(() => applyProfileToAll({ ctx: admin, input: { id: p.id, rowVersion: after.rowVersion } })).message).toMatch(/No active user would hold/);
    expect(
      refusalOf(() => rollbackProfile({ ctx: admin, input: { id: p.id, rowVersion: after.rowVersion, version: after.headVersion, mode: 'apply' } })).message,
    ).toMatch(/No active user would hold/);
    // Restore the head so the next case starts from the full Admin profile.
    rollbackProfile({ ctx: admin, input: { id: p.id, rowVersion: after.rowVersion, version: p.headVersion, mode: 'new-users' } });
  });
});

describe('applying a version moves holders of older versions too', () => {
  it('an agent manager cannot hand out, by applying, what an older version lacked and he lacks too', () => {
    const admin = principalOf(db, 'admin');
    const p = getProfile({ ctx: admin, input: { id: profileByName('Agent').id } });
    const OFFLINE = 'transfer-messaging-conversations-to-an-agent-in-offline-state';
    saveProfile({
      ctx: admin,
      input: { id: p.id, rowVersion: p.rowVersion, name: 'Agent', description: '', permissions: [...p.permissions, OFFLINE], note: '', mode: 'new-users' },
    });
    const v2 = getProfile({ ctx: admin, input: { id: p.id } });
    const manager = principalOf(db, 'manager');
    const before = snapshot(db);
    const error = refusalOf(() =>
      saveProfile({
        ctx: manager,
        input: { id: p.id, rowVersion: v2.rowVersion, name: 'Agent', description: '', permissions: v2.permissions, note: '', mode: 'apply' },
      }),
    );
    expect(error.code).toBe('forbidden');
    expect(snapshot(db)).toEqual(before);
  });

  it('an agent manager cannot apply a profile held outside his subtree; saving for new users only he may', () => {
    const admin = principalOf(db, 'admin');
    const p = getProfile({ ctx: admin, input: { id: profileByName('Agent').id } });
    // Bring everyone to the head first, so that only the scope rule is at stake.
    applyProfileToAll({ ctx: admin, input: { id: p.id, rowVersion: p.rowVersion } });
    const now = getProfile({ ctx: admin, input: { id: p.id } });
    const less = now.permissions.filter((k) => k !== 'set-manual-sla-for-conversations');
    const manager = principalOf(db, 'manager');
    expect(
      refusalOf(() =>
        saveProfile({
          ctx: manager,
          input: { id: p.id, rowVersion: now.rowVersion, name: 'Agent', description: '', permissions: less, note: '', mode: 'apply' },
        }),
      ).message,
    ).toMatch(/outside your group structure/);
    saveProfile({
      ctx: manager,
      input: { id: p.id, rowVersion: now.rowVersion, name: 'Agent', description: '', permissions: less, note: '', mode: 'new-users' },
    });
  });
});

describe('an agent manager cannot take over a peer', () => {
  it('who manages groups outside his subtree', async () => {
    const admin = principalOf(db, 'admin');
    const amProfile = profileByName('Agent manager').id;
    const { id } = await createUser({
      ctx: admin,
      input: {
        loginName: 'peer',
        password: 'peer-password',
        email: 'peer@example.com',
        name: 'Pat Peer',
        nickname: 'Pat',
        groupId: group('Tier 1'),
        managedGroupIds: [group('Sales')],
        profileIds: [amProfile],
      },
    });
    const details = getUserDetails({ ctx: admin, input: { id } });
    const { status: _s, isAgent: _a, profiles: _p, ...editable } = details;
    const before = snapshot(db);
    const error = await (async () => {
      try {
        await updateUser({ ctx: principalOf(db, 'manager'), input: { ...editable, password: 'attacker-pass' } });
      } catch (e) {
        return e as DalError;
      }
      throw new Error('expected a refusal');
    })();
    expect(error.message).toMatch(/manages groups outside your group structure/);
    expect(snapshot(db)).toEqual(before);
  });
});

describe('scope of skills and the audit trail', () => {
  it('a manager cannot rename a skill held outside his subtree', () => {
    const salesChat = db.select().from(t.skills).where(eq(t.skills.name, 'Sales chat')).get()!;
    expect(refusalOf(() => renameSkill({ ctx: principalOf(db, 'manager'), input: { id: salesChat.id, name: 'Renamed' } })).code).toBe('forbidden');
  });
});

describe('fresh inside the transaction', () => {
  const managerGroup = () => userByLogin(db, 'manager').groupId;

  it('an actor read before someone else wrote goes on when what he holds is the same', () => {
    const manager = principalOf(db, 'manager');
    createSkill({ ctx: principalOf(db, 'admin'), input: { name: 'Written while he waited' } });
    const { id } = createGroup({ ctx: manager, input: { name: 'Made after a write elsewhere', parentId: managerGroup() } });
    expect(db.select().from(t.groups).where(eq(t.groups.id, id)).get()?.name).toBe('Made after a write elsewhere');
  });

  it('an actor whose permission was taken while his request was under way changes nothing', () => {
    const admin = principalOf(db, 'admin');
    const manager = principalOf(db, 'manager'); // checked against what he held then
    const { id: overrideId } = addOverride({
      ctx: admin,
      input: { userId: manager.userId, permissionKey: 'manage-agent-groups', effect: 'revoke', reason: 'taken meanwhile' },
    });
    const before = snapshot(db);
    try {
      const refusal = refusalOf(() => createGroup({ ctx: manager, input: { name: 'Made too late', parentId: managerGroup() } }));
      expect(refusal).toMatchObject({
        code: 'conflict',
        message: expect.stringMatching(/permissions changed while this was being saved; nothing was changed/),
      });
      expect(snapshot(db)).toEqual(before);
    } finally {
      removeOverride({ ctx: admin, input: { id: overrideId } });
    }
    // Read again, he holds it again and may.
    expect(createGroup({ ctx: principalOf(db, 'manager'), input: { name: 'Made when allowed again', parentId: managerGroup() } }).id).toBeGreaterThan(0);
  });

  it("an agent manager's new user lands nowhere when his group is moved out of his reach while the password is hashed", async () => {
    const admin = principalOf(db, 'admin');
    const { id: corner } = createGroup({ ctx: admin, input: { name: 'Corner to move', parentId: group('Support') } });
    const { id: bare } = createProfile({ ctx: admin, input: { roleKey: 'agent', name: 'Core only', permissions: [] } });
    const manager = principalOf(db, 'manager');
    // Checked now, written after the hash: the move happens in between.
    const pending = createUser({
      ctx: manager,
      input: {
        loginName: 'late.arrival',
        password: 'late-arrival-1',
        email: 'late@example.com',
        name: 'Lee Late',
        nickname: 'Lee',
        groupId: corner,
        profileIds: [bare],
      },
    });
    const row = db.select().from(t.groups).where(eq(t.groups.id, corner)).get()!;
    updateGroup({ ctx: admin, input: { id: corner, rowVersion: row.rowVersion, name: row.name, parentId: group('Sales'), enabled: true } });
    const before = snapshot(db);
    await expect(pending).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/group structure changed/) });
    expect(snapshot(db)).toEqual(before);
    expect(db.select().from(t.users).where(eq(t.users.loginName, 'late.arrival')).get()).toBeUndefined();
  });

  it('a program whose key was revoked while its request was under way changes nothing', () => {
    const admin = principalOf(db, 'admin');
    const { id, token } = createApiKey({
      ctx: admin,
      input: { name: 'Revoked meanwhile', userId: userByLogin(db, 'manager').id, permissions: ['manage-agent-groups'], expiresAt: null },
    });
    const program = authenticateApiKey(token).principal;
    revokeApiKey({ ctx: admin, input: { id } });
    const before = snapshot(db);
    expect(refusalOf(() => createGroup({ ctx: program, input: { name: 'Made by a revoked key', parentId: managerGroup() } }))).toMatchObject({
      code: 'unauthenticated',
      message: expect.stringMatching(/"Revoked meanwhile" is no longer valid/),
    });
    expect(snapshot(db)).toEqual(before);
  });

  it('an actor deactivated while his request was under way changes nothing', () => {
    const admin = principalOf(db, 'admin'); // loaded before the deactivation
    const feature = db.select().from(t.accountFeatures).where(eq(t.accountFeatures.key, 'secure-forms')).get()!;
    db.update(t.users)
      .set({ status: 'deactivated' })
      .where(eq(t.users.id, userByLogin(db, 'admin').id))
      .run();
    try {
      expect(
        refusalOf(() => setAccountFeature({ ctx: admin, input: { key: 'secure-forms', enabled: !feature.enabled, rowVersion: feature.rowVersion } })).code,
      ).toBe('unauthenticated');
      expect(db.select().from(t.accountFeatures).where(eq(t.accountFeatures.key, 'secure-forms')).get()).toEqual(feature);
    } finally {
      db.update(t.users)
        .set({ status: 'active' })
        .where(eq(t.users.id, userByLogin(db, 'admin').id))
        .run();
    }
  });
});
