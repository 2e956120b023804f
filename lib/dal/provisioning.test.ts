import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { createTestDatabase, principalOf, refusalOf, snapshot } from '@/lib/testing/db';
import { idsIn } from '@/lib/testing/personas';
import { changeDirectoryGroupMembers, setDirectoryGroupMapping, setDirectoryGroupsOf } from './directory-groups';
import { getProvisioningDefaults, provisioningDefaults, setProvisioningDefaults } from './provisioning';

let db: DB;
let ids: ReturnType<typeof idsIn>;
beforeAll(async () => {
  db = await createTestDatabase();
  ids = idsIn(db);
});

const profilesOf = (login: string) =>
  db
    .select({ profileId: t.userProfiles.profileId, source: t.userProfiles.source })
    .from(t.userProfiles)
    .where(eq(t.userProfiles.userId, ids.user(login)))
    .all();

describe('provisioning defaults', () => {
  it('allowed: an admin sets them, audited; provisioningDefaults reads them', () => {
    expect(provisioningDefaults()).toEqual({ groupId: null, profileIds: [] });
    const admin = principalOf(db, 'admin');
    const set = setProvisioningDefaults({ ctx: admin, input: { groupId: ids.group('Tier 1'), profileIds: [ids.profile('Agent')] } });
    expect(set).toEqual({ groupId: ids.group('Tier 1'), profileIds: [ids.profile('Agent')] });
    expect(provisioningDefaults()).toEqual(set);
    expect(getProvisioningDefaults({ ctx: admin })).toEqual(set);
    const audit = db.select().from(t.auditEvents).where(eq(t.auditEvents.entityId, 'provisioning-defaults')).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entityType: 'setting', actorName: 'admin', after: set });
  });

  it('forbidden: an agent manager changes nothing', () => {
    const before = snapshot(db);
    const error = refusalOf(() => setProvisioningDefaults({ ctx: principalOf(db, 'manager'), input: { groupId: null, profileIds: [] } }));
    expect(error.code).toBe('forbidden');
    expect(snapshot(db)).toEqual(before);
  });

  it('precondition: an unknown group or profile is invalid and changes nothing', () => {
    const before = snapshot(db);
    expect(refusalOf(() => setProvisioningDefaults({ ctx: principalOf(db, 'admin'), input: { groupId: 99999, profileIds: [] } })).fieldErrors).toHaveProperty(
      'groupId',
    );
    expect(
      refusalOf(() => setProvisioningDefaults({ ctx: principalOf(db, 'admin'), input: { groupId: null, profileIds: [99999] } })).fieldErrors,
    ).toHaveProperty('profileIds');
    expect(snapshot(db)).toEqual(before);
  });
});

describe('directory groups', () => {
  it('setDirectoryGroupsOf creates groups, applies a mapping, and removes only what the mapping gave', () => {
    const admin = principalOf(db, 'admin');
    setDirectoryGroupsOf({ ctx: admin, input: { userId: ids.user('sales'), displayNames: ['Managers'] } });
    const group = db.select().from(t.directoryGroups).where(eq(t.directoryGroups.displayName, 'Managers')).get()!;
    const manager = ids.profile('Agent manager with user management');
    setDirectoryGroupMapping({ ctx: admin, input: { directoryGroupId: group.id, profileIds: [manager], agentGroupId: null, rowVersion: group.rowVersion } });
    // The mapping applied to the current member at once, marked as the directory's.
    expect(profilesOf('sales')).toContainEqual({ profileId: manager, source: 'directory' });
    expect(profilesOf('sales')).toContainEqual({ profileId: ids.profile('Agent'), source: 'manual' });
    // Case differs: the same group, nothing changes.
    setDirectoryGroupsOf({ ctx: admin, input: { userId: ids.user('sales'), displayNames: ['managers'] } });
    expect(db.select().from(t.directoryGroups).all()).toHaveLength(1);
    // Leaving the group takes the mapped profile and leaves the manual one.
    setDirectoryGroupsOf({ ctx: admin, input: { userId: ids.user('sales'), displayNames: [] } });
    expect(profilesOf('sales')).toEqual([{ profileId: ids.profile('Agent'), source: 'manual' }]);
    // The SCIM member PATCH core adds him back without reading other members.
    changeDirectoryGroupMembers({ ctx: admin, input: { directoryGroupId: group.id, add: [ids.user('sales')] } });
    expect(profilesOf('sales')).toContainEqual({ profileId: manager, source: 'directory' });
    expect(
      db
        .select()
        .from(t.directoryGroupMembers)
        .where(and(eq(t.directoryGroupMembers.groupId, group.id), eq(t.directoryGroupMembers.userId, ids.user('sales'))))
        .all(),
    ).toHaveLength(1);
  });

  it('forbidden: an agent manager may not map a profile beyond his own, nor move users outside his structure', () => {
    const manager = principalOf(db, 'manager');
    const group = db.select().from(t.directoryGroups).where(eq(t.directoryGroups.displayName, 'Managers')).get()!;
    const before = snapshot(db);
    const escalation = refusalOf(() =>
      setDirectoryGroupMapping({
        ctx: manager,
        input: { directoryGroupId: group.id, profileIds: [ids.profile('Admin')], agentGroupId: null, rowVersion: group.rowVersion },
      }),
    );
    expect(escalation.code).toBe('forbidden');
    expect(escalation.message).toMatch(/Admin/);
    // "sales" is in the Sales group, outside the manager's Support structure: no such user for him.
    expect(refusalOf(() => setDirectoryGroupsOf({ ctx: manager, input: { userId: ids.user('sales'), displayNames: ['X'] } })).code).toBe('not-found');
    expect(snapshot(db)).toEqual(before);
  });
});
