import { beforeEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { addOverride, createUser } from '@/lib/dal/users';
import { callApi } from '@/lib/testing/api';
import { asyncRefusalOf, createTestDatabase, principalOf, userByLogin } from '@/lib/testing/db';
import { changedSince as changedSinceIn, deniedFor, idsIn, keyOf, newPersonInput, signInAs, stateOf } from '@/lib/testing/personas';

/**
 * The holes an attacker found on the LivePerson preset (issue 12), each tried again through the
 * routes he used: server actions called directly with his session, the REST API with his key, and
 * the bulk path. Only the session cookie → user step is stood in for.
 */
const session = vi.hoisted(() => ({ current: null as { userId: number; sessionVersion: number } | null }));
vi.mock('@/lib/auth/session', () => ({ currentSessionUser: async () => session.current }));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

let db: DB;
let id: ReturnType<typeof idsIn>;
beforeEach(async () => {
  db = await createTestDatabase();
  id = idsIn(db);
});
const state = () => stateOf(db);
const changedSince = (before: Record<string, unknown[]>) => changedSinceIn(db, before);

const as = (loginName: string) => signInAs(db, session, loginName);
const users = () => import('./(console)/users/actions');
const profiles = () => import('./(console)/profiles/actions');

/** A second agent manager who manages Sales, outside the demo manager's Support structure. */
async function salesManager() {
  const { id: peerId } = await createUser({
    ctx: principalOf(db, 'admin'),
    input: {
      loginName: 'peer',
      email: 'peer@example.com',
      name: 'Pat Peer',
      nickname: 'Pat',
      password: 'a-long-password-1',
      groupId: id.group('Tier 1'),
      managedGroupIds: [id.group('Sales')],
      profileIds: [id.profile('Agent manager')],
    },
  });
  return peerId;
}

describe('hole 1: assigning or removing a profile asks "may he manage this user?"', () => {
  it('an agent in his subtree holding a console permission he lacks: refused by action, API and bulk, and logged', async () => {
    const agent = id.user('agent');
    addOverride({ ctx: principalOf(db, 'admin'), input: { userId: agent, permissionKey: 'view-and-export-audit-trail', effect: 'grant', reason: 'QA lead' } });
    const token = keyOf(db, 'manager');
    const before = state();
    const logged = deniedFor(db, 'manager').length;

    as('manager');
    const { assignProfileAction, unassignProfileAction, applyBulkAction } = await users();
    const assigned = await assignProfileAction({ userId: agent, profileId: id.profile('Agent') });
    expect(assigned).toMatchObject({ ok: false, code: 'forbidden', error: expect.stringMatching(/View and export audit trail/) });
    expect(await unassignProfileAction({ userId: agent, roleKey: 'agent' })).toMatchObject({ ok: false, code: 'forbidden' });
    const bulk = await applyBulkAction({ userIds: [agent], action: { kind: 'assign-profile', profileId: id.profile('Agent') } });
    expect(bulk).toMatchObject({ ok: true, data: [{ userId: agent, ok: false, reason: expect.stringMatching(/View and export audit trail/) }] });

    expect((await callApi(token, 'POST', `/api/v1/users/${agent}/profiles`, { profileId: id.profile('Agent') })).status).toBe(403);
    expect((await callApi(token, 'DELETE', `/api/v1/users/${agent}/profiles/agent`)).status).toBe(403);

    expect(changedSince(before)).toEqual([]);
    expect(deniedFor(db, 'manager').length).toBeGreaterThanOrEqual(logged + 5);
  });

  it('a peer manager of Sales is not given user management by the Support manager, by any route', async () => {
    const peer = await salesManager();
    const withUm = id.profile('Agent manager with user management');
    const token = keyOf(db, 'manager');
    const before = state();

    as('manager');
    const { assignProfileAction, applyBulkAction } = await users();
    expect(await assignProfileAction({ userId: peer, profileId: withUm })).toMatchObject({ ok: false });
    const bulk = await applyBulkAction({ userIds: [peer], action: { kind: 'assign-profile', profileId: withUm } });
    expect(bulk).toMatchObject({ ok: true, data: [{ ok: false }] });
    expect((await callApi(token, 'POST', `/api/v1/users/${peer}/profiles`, { profileId: withUm })).status).toBeGreaterThanOrEqual(403);

    expect(changedSince(before)).toEqual([]);
  });
});

describe('hole 2: applying a version asks the policy for every holder', () => {
  it('a manager cannot widen, apply to all or roll back a profile held by a peer who manages groups beyond his', async () => {
    await salesManager();
    const profileId = id.profile('Agent manager');
    const { getProfile } = await import('@/lib/dal/profiles');
    const editor = getProfile({ ctx: principalOf(db, 'manager'), input: { id: profileId } });
    // A permission the manager could give himself: only the holders beyond his reach stop him.
    const extra = editor.rolePermissions.find((p) => !editor.permissions.includes(p.key) && p.grantRefusal === null)!;
    expect(extra).toBeDefined();
    const wider = [...editor.permissions, extra.key];
    const token = keyOf(db, 'manager');
    const before = state();

    as('manager');
    const { saveProfileAction, applyProfileToAllAction, rollbackProfileAction } = await profiles();
    const saved = await saveProfileAction({ id: profileId, rowVersion: editor.rowVersion, name: editor.name, permissions: wider, mode: 'apply' });
    expect(saved).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await applyProfileToAllAction({ id: profileId, rowVersion: editor.rowVersion })).toMatchObject({ ok: false });
    expect(await rollbackProfileAction({ id: profileId, rowVersion: editor.rowVersion, version: 1 })).toMatchObject({ ok: false });

    const patched = await callApi(token, 'PATCH', `/api/v1/profiles/${profileId}`, { permissions: wider, mode: 'apply' }, { 'if-match': '*' });
    expect(patched.status).toBe(403);
    expect(changedSince(before)).toEqual([]);
  });
});

describe('hole 3: nobody acts on a user who can act on him, directly or through someone he made', () => {
  it("a user the manager made with reach over Support cannot lift the admin's revoke on the manager", async () => {
    const manager = id.user('manager');
    // The manager may make him: a user of his group who manages Support, as he does.
    await createUser({
      ctx: principalOf(db, 'manager'),
      input: {
        loginName: 'proxy',
        email: 'proxy@example.com',
        name: 'Proxy Person',
        nickname: 'Proxy',
        password: 'a-long-password-1',
        groupId: id.group('Tier 1'),
        managedGroupIds: [id.group('Support')],
        profileIds: [id.profile('Agent manager with user management')],
      },
    });
    const { id: revokeId } = addOverride({
      ctx: principalOf(db, 'admin'),
      input: { userId: manager, permissionKey: 'manage-skills', effect: 'revoke', reason: 'skills are owned by the WFM team' },
    });
    const token = keyOf(db, 'proxy');
    const before = state();
    as('proxy');
    const { removeOverrideAction } = await users();
    expect(await removeOverrideAction({ id: revokeId })).toMatchObject({ ok: false });
    expect((await callApi(token, 'DELETE', `/api/v1/users/${manager}/overrides/${revokeId}`)).status).toBe(403);
    expect(changedSince(before)).toEqual([]);
    expect(principalOf(db, 'manager').effective.explain.get('manage-skills')!.allowed).toBe(false);
  });

  it('the manager cannot act on a user in his subtree who may manage users of a structure that includes him', async () => {
    const coverer = await createUser({
      ctx: principalOf(db, 'admin'),
      input: {
        loginName: 'coverer',
        email: 'coverer@example.com',
        name: 'Casey Coverer',
        nickname: 'Casey',
        password: 'a-long-password-1',
        groupId: id.group('Tier 2'),
        managedGroupIds: [id.group('Support')],
        profileIds: [id.profile('Agent manager with user management')],
      },
    });
    const token = keyOf(db, 'manager');
    const before = state();
    as('manager');
    const { setUserStatusAction } = await users();
    const refused = await setUserStatusAction({ id: coverer.id, rowVersion: id.rowVersion('coverer'), status: 'deactivated' });
    expect(refused).toMatchObject({ ok: false, code: 'forbidden', error: expect.stringMatching(/manage you/) });
    expect((await callApi(token, 'POST', `/api/v1/users/${coverer.id}/deactivate`, undefined, { 'if-match': '*' })).status).toBe(403);
    expect(changedSince(before)).toEqual([]);
  });
});

describe('hole 4: the last holder of a console permission keeps it, on every path', () => {
  /** A second admin without "Manage API keys", so the demo admin is its last holder. */
  async function secondAdmin() {
    const admin = principalOf(db, 'admin');
    const { id: admin2 } = await createUser({
      ctx: admin,
      input: {
        loginName: 'admin2',
        email: 'admin2@example.com',
        name: 'Second Admin',
        nickname: 'Second',
        password: 'a-long-password-1',
        groupId: id.group('Support'),
        profileIds: [id.profile('Admin')],
      },
    });
    addOverride({ ctx: admin, input: { userId: admin2, permissionKey: 'manage-api-keys', effect: 'revoke', reason: 'not an integrator' } });
    return admin2;
  }

  it('the other admin cannot unassign, revoke, deactivate or delete its last holder, by action, API or bulk', async () => {
    await secondAdmin();
    const admin = id.user('admin');
    const token = keyOf(db, 'admin2');
    const before = state();
    as('admin2');
    const { unassignProfileAction, addOverrideAction, setUserStatusAction, deleteUserAction, applyBulkAction } = await users();
    const refused = { ok: false, code: 'forbidden', error: expect.stringMatching(/Manage API keys/) };
    expect(await unassignProfileAction({ userId: admin, roleKey: 'admin' })).toMatchObject(refused);
    expect(await addOverrideAction({ userId: admin, permissionKey: 'manage-api-keys', effect: 'revoke', reason: 'x' })).toMatchObject(refused);
    expect(await setUserStatusAction({ id: admin, rowVersion: id.rowVersion('admin'), status: 'deactivated' })).toMatchObject(refused);
    expect(await deleteUserAction({ id: admin, rowVersion: id.rowVersion('admin') })).toMatchObject(refused);
    expect(await applyBulkAction({ userIds: [admin], action: { kind: 'deactivate' } })).toMatchObject({ ok: true, data: [{ ok: false }] });
    expect((await callApi(token, 'DELETE', `/api/v1/users/${admin}/profiles/admin`)).status).toBe(403);
    expect((await callApi(token, 'POST', `/api/v1/users/${admin}/deactivate`, undefined, { 'if-match': '*' })).status).toBe(403);
    expect((await callApi(token, 'DELETE', `/api/v1/users/${admin}`, undefined, { 'if-match': '*' })).status).toBe(403);
    expect(changedSince(before)).toEqual([]);
  });

  it('its last holder cannot take it from everyone by saving the profile that gives it, by action or API', async () => {
    await secondAdmin();
    const { getProfile } = await import('@/lib/dal/profiles');
    const adminProfile = getProfile({ ctx: principalOf(db, 'admin'), input: { id: id.profile('Admin') } });
    const without = adminProfile.permissions.filter((k) => k !== 'manage-api-keys');
    const token = keyOf(db, 'admin');
    const before = state();
    as('admin');
    const { saveProfileAction } = await profiles();
    const saved = await saveProfileAction({
      id: adminProfile.id,
      rowVersion: adminProfile.rowVersion,
      name: adminProfile.name,
      permissions: without,
      mode: 'apply',
    });
    expect(saved).toMatchObject({ ok: false, error: expect.stringMatching(/No active user would hold "Manage API keys"/) });
    const patched = await callApi(token, 'PATCH', `/api/v1/profiles/${adminProfile.id}`, { permissions: without, mode: 'apply' }, { 'if-match': '*' });
    expect(patched.status).toBe(400);
    expect(changedSince(before)).toEqual([]);
  });
});

describe('hole 5: an admin delegates limited user management', () => {
  it('an admin makes a profile with "Manage agent users in group", gives it by the API, and its holder creates agents in his group only', async () => {
    as('admin');
    const { createProfileAction } = await profiles();
    const created = await createProfileAction({ roleKey: 'agent-manager', name: 'Team lead', permissions: ['manage-agent-users-in-group'] });
    expect(created).toMatchObject({ ok: true });
    const teamLead = (created as { data: { id: number } }).data.id;
    const person = (loginName: string, group: string, extra: Record<string, unknown> = {}) => ({
      loginName,
      email: `${loginName}@example.com`,
      name: `New ${loginName}`,
      nickname: loginName,
      password: 'a-long-password-1',
      groupId: id.group(group),
      ...extra,
    });
    const lead = await callApi(
      keyOf(db, 'admin'),
      'POST',
      '/api/v1/users',
      person('lead', 'Sales', { managedGroupIds: [id.group('Sales')], profileIds: [teamLead] }),
    );
    expect(lead.status).toBe(201);

    const token = keyOf(db, 'lead');
    expect((await callApi(token, 'POST', '/api/v1/users', person('sales.new', 'Sales', { profileIds: [id.profile('Agent')] }))).status).toBe(201);
    const before = state();
    const outside = await callApi(token, 'POST', '/api/v1/users', person('tier1.new', 'Tier 1', { profileIds: [id.profile('Agent')] }));
    expect(outside).toMatchObject({ status: 400, body: { error: { fields: { groupId: ['Unknown group'] } } } });
    expect(deniedFor(db, 'lead').at(-1)).toMatchObject({ action: 'create users', reason: 'There is no such group.' });
    as('lead');
    const { createUserAction } = await users();
    expect(await createUserAction(person('support.new', 'Support', { profileIds: [id.profile('Agent')] }))).toMatchObject({
      ok: false,
      fieldErrors: { groupId: ['Unknown group'] },
    });
    // Nor an agent manager: his profile lacks "Manage agent manager users in group".
    const manager = person('manager.new', 'Sales', { profileIds: [id.profile('Agent manager')] });
    expect(await createUserAction(manager)).toMatchObject({ ok: false, code: 'forbidden', error: expect.stringMatching(/not Agent manager/) });
    expect(changedSince(before)).toEqual([]);
  });
});

describe('hole 8: refusals do not leak and are logged', () => {
  it("deleting a skill or a profile held outside the manager's subtree does not name who holds it", async () => {
    as('manager');
    const { deleteSkillAction } = await import('./(console)/skills/actions');
    const skill = db.select().from(t.skills).where(eq(t.skills.name, 'Sales chat')).get()!;
    const refused = await deleteSkillAction({ id: skill.id });
    expect(refused).toMatchObject({ ok: false });
    expect((refused as { error: string }).error).not.toMatch(/\bsales\b|Sam/);
  });

  it('a user out of reach answers "not found" and the refusal is in the security log', async () => {
    const token = keyOf(db, 'manager');
    const logged = deniedFor(db, 'manager').length;
    const sales = id.user('sales');
    const read = await callApi(token, 'GET', `/api/v1/users/${sales}`);
    expect(read.status).toBe(404);
    as('manager');
    const { setUserStatusAction } = await users();
    expect(await setUserStatusAction({ id: sales, rowVersion: id.rowVersion('sales'), status: 'deactivated' })).toMatchObject({ ok: false, code: 'not-found' });
    expect(deniedFor(db, 'manager').length).toBe(logged + 2);
  });
});

describe('races: the rules about the target are asked again with the write lock held', () => {
  it('a password set while the target is given a console permission the manager lacks is refused, and the password stays', async () => {
    const agent = userByLogin(db, 'agent');
    const manager = principalOf(db, 'manager');
    const { updateUser } = await import('@/lib/dal/users');
    // updateUser checks, then awaits the password hash; the grant lands in between.
    const editing = updateUser({
      ctx: manager,
      input: {
        id: agent.id,
        rowVersion: agent.rowVersion,
        loginName: agent.loginName,
        email: agent.email,
        name: agent.name,
        nickname: agent.nickname,
        groupId: agent.groupId,
        maxChats: agent.maxChats,
        skills: [],
        password: 'taken-over-by-manager',
      },
    });
    addOverride({ ctx: principalOf(db, 'admin'), input: { userId: agent.id, permissionKey: 'manage-profiles', effect: 'grant', reason: 'profile steward' } });
    const refusal = await asyncRefusalOf(() => editing);
    expect(refusal).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/Manage profiles/) });
    expect(userByLogin(db, 'agent').passwordHash).toBe(agent.passwordHash);
    expect(deniedFor(db, 'manager').at(-1)).toMatchObject({ action: 'edit users' });
  });
});

describe('out-of-reach choices are refusals in the security log', () => {
  it('a group under Sales, a bulk move to Sales and a key for a Sales user: each refused and logged', async () => {
    const logged = deniedFor(db, 'manager').length;
    as('manager');
    const { createGroupAction } = await import('./(console)/groups/actions');
    const { applyBulkAction } = await users();
    const { createApiKeyAction } = await import('./(console)/settings/actions');
    expect(await createGroupAction({ name: 'Sales B', parentId: id.group('Sales') })).toMatchObject({ ok: false, code: 'not-found' });
    expect(await applyBulkAction({ userIds: [id.user('agent')], action: { kind: 'move-group', groupId: id.group('Sales') } })).toMatchObject({
      ok: true,
      data: [{ ok: false }],
    });
    addOverride({
      ctx: principalOf(db, 'admin'),
      input: { userId: id.user('manager'), permissionKey: 'manage-api-keys', effect: 'grant', reason: 'integrations' },
    });
    as('manager');
    expect(await createApiKeyAction({ name: 'Sales bot', userId: id.user('sales'), permissions: ['manage-skills'] })).toMatchObject({ ok: false });
    expect(deniedFor(db, 'manager').length).toBe(logged + 3);
  });
});

describe('second round of attacks', () => {
  it('a deputy (a custom role based on Admin, ranked 3) does not apply a profile an Admin also holds', async () => {
    const admin = principalOf(db, 'admin');
    const base = admin.catalog.roleByKey.get('admin')!;
    const { createRole } = await import('@/lib/dal/roles');
    const { roleDefaults } = await import('@/lib/permissions/catalog');
    const { defaultProfileId } = createRole({
      ctx: admin,
      input: { baseRoleKey: 'admin', name: 'Deputy', description: '', rank: 3, defaults: roleDefaults(base, new Set()) },
    });
    const person = (loginName: string, profileIds: number[]) => newPersonInput(loginName, id.group('Support'), profileIds);
    await createUser({ ctx: principalOf(db, 'admin'), input: person('deputy', [defaultProfileId]) });
    await createUser({ ctx: principalOf(db, 'admin'), input: person('admin3', [id.profile('Admin'), id.profile('Campaign manager')]) });
    const { getProfile } = await import('@/lib/dal/profiles');
    const campaign = getProfile({ ctx: principalOf(db, 'admin'), input: { id: id.profile('Campaign manager') } });
    const before = state();
    as('deputy');
    const { saveProfileAction } = await profiles();
    const saved = await saveProfileAction({
      id: campaign.id,
      rowVersion: campaign.rowVersion,
      name: campaign.name,
      permissions: campaign.permissions.slice(1),
      mode: 'apply',
    });
    expect(saved).toMatchObject({ ok: false, code: 'forbidden', error: expect.stringMatching(/ranks above yours/) });
    expect(changedSince(before)).toEqual([]);
  });

  it('a group out of reach read over the API is "not found" and a logged refusal', async () => {
    const token = keyOf(db, 'manager');
    const logged = deniedFor(db, 'manager').length;
    expect((await callApi(token, 'GET', `/api/v1/groups/${id.group('Sales')}`)).status).toBe(404);
    expect((await callApi(token, 'DELETE', `/api/v1/groups/${id.group('Sales')}`, undefined, { 'if-match': '*' })).status).toBe(404);
    expect(deniedFor(db, 'manager').length).toBe(logged + 2);
  });

  it('a last-holder refusal is kept in the security log', async () => {
    const { getProfile } = await import('@/lib/dal/profiles');
    const adminProfile = getProfile({ ctx: principalOf(db, 'admin'), input: { id: id.profile('Admin') } });
    const logged = deniedFor(db, 'admin').length;
    as('admin');
    const { saveProfileAction } = await profiles();
    const without = adminProfile.permissions.filter((k) => k !== 'manage-api-keys');
    expect(
      await saveProfileAction({ id: adminProfile.id, rowVersion: adminProfile.rowVersion, name: adminProfile.name, permissions: without, mode: 'apply' }),
    ).toMatchObject({
      ok: false,
    });
    expect(deniedFor(db, 'admin').at(-1)).toMatchObject({ reason: expect.stringMatching(/No active user would hold "Manage API keys"/) });
    expect(deniedFor(db, 'admin').length).toBe(logged + 1);
  });
});
