import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { createTestDatabase, principalOf, refusalOf, userByLogin, createPseudonymAuditor } from '@/lib/testing/db';
import { asOfInput } from '@/lib/schemas/audit';
import { effectivePermissionsAsOf, type PermissionsAsOf } from './as-of';
import { listAuditEvents } from './audit-trail';
import { applyProfileToAll, createProfile, getProfile, saveProfile } from './profiles';
import { setAccountFeature } from './settings';
import { createRole, deleteRole, getRoleEditor } from './roles';
import { assignProfile, getUserAccess, unassignProfile, addOverride, createUser, removeOverride, setUserStatus } from './users';

let db: DB;
const JOIN = 'join-agents-conversations-in-group';
const VIEW_LIST = 'view-list-of-agents-in-the-group';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const iso = (ms: number) => new Date(ms).toISOString();

/** What the live engine showed for the agent at one moment, captured then: the oracle "as of" is checked against. */
interface Moment {
  label: string;
  at: number;
  status: 'active' | 'deactivated';
  profiles: { profileId: number; name: string; version: number }[];
  permissions: PermissionsAsOf['permissions'];
  channels: PermissionsAsOf['channels'];
}
const moments: Moment[] = [];

/** Capture the live state, then let the clock move on so the next change is strictly later. */
async function capture(label: string) {
  const access = getUserAccess({ ctx: principalOf(db, 'admin'), input: { id: userByLogin(db, 'agent').id } });
  moments.push({
    label,
    at: Date.now(),
    status: access.user.status,
    profiles: access.profiles.map((p) => ({ profileId: p.profileId, name: p.name, version: p.version })).sort((a, b) => a.profileId - b.profileId),
    permissions: access.permissions,
    channels: access.channels,
  });
  await sleep(5);
}

const profileVersion = (id: number) => getProfile({ ctx: principalOf(db, 'admin'), input: { id } }).rowVersion;
const agentRowVersion = () => userByLogin(db, 'agent').rowVersion;

beforeAll(async () => {
  db = await createTestDatabase();
  const admin = () => principalOf(db, 'admin');
  const agent = userByLogin(db, 'agent');
  await capture('as seeded');

  // t1: a profile of his own (version 1) instead of "Agent", and a grant that expires soon after.
  const { id } = createProfile({ ctx: admin(), input: { roleKey: 'agent', name: 'Night agents', permissions: [JOIN] } });
  assignProfile({ ctx: admin(), input: { userId: agent.id, profileId: id } });
  addOverride({
    ctx: admin(),
    input: {
      userId: agent.id,
      permissionKey: VIEW_LIST,
      effect: 'grant',
      reason: 'cover the night shift',
      expiresAt: new Date(Date.now() + 1000).toISOString(),
    },
  });
  await capture('own profile v1 and a grant');
  await sleep(1100); // the grant expires: "as of" must judge it at the moment asked, not today

  // t2: "Save and apply" moves him to version 2; a revoke override.
  saveProfile({
    ctx: admin(),
    input: { id, rowVersion: profileVersion(id), name: 'Night agents', description: '', permissions: [JOIN, VIEW_LIST], note: '', mode: 'apply' },
  });
  const { id: revoke } = addOverride({ ctx: admin(), input: { userId: agent.id, permissionKey: JOIN, effect: 'revoke', reason: 'audit pending' } });
  await capture('v2 applied, grant expired, a revoke');

  // t3: version 3 for new users only (he stays on 2), the revoke removed, a channel feature switched off.
  saveProfile({
    ctx: admin(),
    input: { id, rowVersion: profileVersion(id), name: 'Night agents', description: '', permissions: [], note: '', mode: 'new-users' },
  });
  removeOverride({ ctx: admin(), input: { id: revoke } });
  const messaging = db.select().from(t.accountFeatures).where(eq(t.accountFeatures.key, 'messaging')).get()!;
  setAccountFeature({ ctx: admin(), input: { key: 'messaging', enabled: !messaging.enabled, rowVersion: messaging.rowVersion } });
  await capture('v3 for new users only, revoke removed, messaging switched');

  // t4: every holder moves to version 3; he is deactivated.
  applyProfileToAll({ ctx: admin(), input: { id, rowVersion: profileVersion(id) } });
  setUserStatus({ ctx: admin(), input: { id: agent.id, rowVersion: agentRowVersion(), status: 'deactivated' } });
  await capture('v3 applied, deactivated');

  // Today: back to active, the grant again, the profile renamed; none of it may leak into the past.
  setUserStatus({ ctx: admin(), input: { id: agent.id, rowVersion: agentRowVersion(), status: 'active' } });
  addOverride({ ctx: admin(), input: { userId: agent.id, permissionKey: VIEW_LIST, effect: 'grant', reason: 'today' } });
  saveProfile({
    ctx: admin(),
    input: { id, rowVersion: profileVersion(id), name: 'Renamed agents', description: '', permissions: [JOIN], note: '', mode: 'apply' },
  });
});

describe('permissions as of a past moment', () => {
  it('the moments differ from each other and from today: each one is a real test of the rebuild', () => {
    const today = getUserAccess({ ctx: principalOf(db, 'admin'), input: { id: userByLogin(db, 'agent').id } });
    const views = [
      ...moments.map((m) => JSON.stringify([m.status, m.profiles, m.permissions, m.channels])),
      JSON.stringify(['active', today.profiles.map((p) => ({ profileId: p.profileId, name: p.name, version: p.version })), today.permissions, today.channels]),
    ];
    expect(new Set(views).size).toBe(views.length);
    // "View list" came from the grant at t1, from version 2 at t2 and t3 ("new users only" left him
    // there), and from nowhere once version 3 was applied: what the engine said then, for each reason.
    const viewList = (m: Moment) => m.permissions.find((p) => p.key === VIEW_LIST)!.allowed;
    expect(moments.map(viewList)).toEqual([false, true, true, true, false]);
  });

  it.each([0, 1, 2, 3, 4])('moment %i: the rebuild from the log equals what the live engine showed then', (i) => {
    const m = moments[i]!;
    const asOf = effectivePermissionsAsOf({ ctx: principalOf(db, 'admin'), input: { user: 'agent', at: iso(m.at) } });
    expect(asOf.at).toBe(m.at);
    expect(asOf.user).toMatchObject({ id: userByLogin(db, 'agent').id, shownAs: 'agent', status: m.status });
    expect(asOf.user.since).toBeLessThanOrEqual(m.at);
    expect(asOf.profiles.map(({ profileId, name, version }) => ({ profileId, name, version })).sort((a, b) => a.profileId - b.profileId)).toEqual(m.profiles);
    expect(asOf.permissions).toEqual(m.permissions);
    expect(asOf.channels).toEqual(m.channels);
  });

  it('reads the moment as the form sends it, in UTC: to the minute or to the second', () => {
    expect(asOfInput.parse({ user: 'agent', at: '2024-05-01T10:30' }).at).toBe(Date.UTC(2024, 4, 1, 10, 30));
    expect(asOfInput.parse({ user: 'agent', at: '2024-05-01T10:30:15' }).at).toBe(Date.UTC(2024, 4, 1, 10, 30, 15));
    expect(asOfInput.parse({ user: 'agent', at: '2024-05-01' }).at).toBe(Date.UTC(2024, 4, 1));
  });

  it('a user who did not exist yet, a moment in the future and a bad date are refused with a message naming the field', async () => {
    const admin = principalOf(db, 'admin');
    const before = Date.now();
    await sleep(5);
    await createUser({
      ctx: admin,
      input: {
        loginName: 'late.joiner',
        password: 'late-password',
        email: 'late@example.com',
        name: 'Late Joiner',
        nickname: 'Late',
        groupId: null,
        profileIds: [],
      },
    });
    const missing = refusalOf(() => effectivePermissionsAsOf({ ctx: admin, input: { user: 'late.joiner', at: iso(before) } }));
    expect(missing.code).toBe('not-found');
    expect(missing.message).toMatch(/late\.joiner did not exist on .* no record of him/);
    expect(effectivePermissionsAsOf({ ctx: admin, input: { user: 'late.joiner', at: iso(Date.now()) } }).profiles).toEqual([]);

    const future = refusalOf(() => effectivePermissionsAsOf({ ctx: admin, input: { user: 'agent', at: iso(Date.now() + 86_400_000) } }));
    expect(future.fieldErrors).toHaveProperty('at');
    expect(refusalOf(() => effectivePermissionsAsOf({ ctx: admin, input: { user: 'agent', at: 'last week' } })).fieldErrors).toHaveProperty('at');
    expect(refusalOf(() => effectivePermissionsAsOf({ ctx: admin, input: { user: 'nobody.here', at: iso(before) } })).fieldErrors).toHaveProperty('user');
  });

  it('says so, rather than show too little, when he held a profile of a custom role deleted since', () => {
    const admin = () => principalOf(db, 'admin');
    const sales = userByLogin(db, 'sales');
    const { key, defaultProfileId } = createRole({ ctx: admin(), input: { baseRoleKey: 'agent', name: 'Chat lead', rank: 1, defaults: [JOIN] } });
    assignProfile({ ctx: admin(), input: { userId: sales.id, profileId: defaultProfileId } });
    const held = Date.now();
    const then = effectivePermissionsAsOf({ ctx: admin(), input: { user: 'sales', at: iso(held) } });
    expect(then.profiles.map((p) => p.name).sort()).toEqual(['Agent', 'Chat lead']);
    expect(then.permissions.find((p) => p.key === JOIN)!.allowed).toBe(true);
    unassignProfile({ ctx: admin(), input: { userId: sales.id, roleKey: key } });
    deleteRole({ ctx: admin(), input: { key, rowVersion: getRoleEditor({ ctx: admin(), input: { key } }).rowVersion } });
    const error = refusalOf(() => effectivePermissionsAsOf({ ctx: admin(), input: { user: 'sales', at: iso(held) } }));
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/"Chat lead" of a custom role deleted since/);
  });

  it('refuses a reader without "View and export audit trail", whatever he asks', () => {
    for (const login of ['agent', 'manager']) {
      const error = refusalOf(() => effectivePermissionsAsOf({ ctx: principalOf(db, login), input: { user: 'agent', at: iso(moments[1]!.at) } }));
      expect(error.code).toBe('forbidden');
      expect(error.message).toMatch(/View and export audit trail/);
    }
  });

  it('a reader who sees pseudonyms names the user by his pseudonym and is shown no name', async () => {
    await createPseudonymAuditor(db);
    const auditor = principalOf(db, 'auditor');
    // The pseudonym he is shown for the agent in the trail.
    const agentEvent = listAuditEvents({ ctx: auditor, input: { entityType: 'user', action: 'grant-permission', pageSize: 5 } }).rows[0]!;
    expect(agentEvent.entityName).toMatch(/^User [0-9A-F]{8}$/);
    const m = moments[1]!;
    const asOf = effectivePermissionsAsOf({ ctx: auditor, input: { user: agentEvent.entityName, at: iso(m.at) } });
    expect(asOf.user).toMatchObject({ id: null, shownAs: agentEvent.entityName });
    expect(asOf.permissions.map((p) => [p.key, p.allowed])).toEqual(m.permissions.map((p) => [p.key, p.allowed]));
    expect(JSON.stringify(asOf)).not.toMatch(/Avery Admin|Alex Agent|agent@example\.com/);
    expect(refusalOf(() => effectivePermissionsAsOf({ ctx: auditor, input: { user: 'agent', at: iso(m.at) } })).message).toMatch(/pseudonym/);
  });
});
