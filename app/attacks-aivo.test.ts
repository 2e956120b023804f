import { beforeEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { roleDefaults } from '@/lib/permissions/catalog';
import { createRole } from '@/lib/dal/roles';
import { addOverride, createUser } from '@/lib/dal/users';
import { duplicateProfile, getProfile, saveProfile } from '@/lib/dal/profiles';
import { callApi } from '@/lib/testing/api';
import { createTestDatabase, principalOf, userByLogin } from '@/lib/testing/db';
import { changedSince, idsIn, keyOf, newPersonInput, signInAs, stateOf } from '@/lib/testing/personas';

/**
 * The holes an attacker found on the Aivo Live preset (issue 12), tried again through server
 * actions called directly with his session and the REST API with his key.
 */
const session = vi.hoisted(() => ({ current: null as { userId: number; sessionVersion: number } | null }));
vi.mock('@/lib/auth/session', () => ({ currentSessionUser: async () => session.current }));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

let db: DB;
let id: ReturnType<typeof idsIn>;
beforeEach(async () => {
  db = await createTestDatabase('aivo');
  id = idsIn(db);
});
const as = (loginName: string) => signInAs(db, session, loginName);
const users = () => import('./(console)/users/actions');
const newPerson = (loginName: string, profileIds: number[]) => newPersonInput(loginName, id.group('Customer care'), profileIds);

/** A custom role based on Supervisor without `off`, and a user `lead` holding its profile. */
async function shiftLead(off: string[]) {
  const admin = principalOf(db, 'admin');
  const supervisor = admin.catalog.roleByKey.get('supervisor')!;
  const defaults = roleDefaults(supervisor, new Set(['video-and-cobrowsing', 'break-requests'])).filter((k) => !off.includes(k));
  const { defaultProfileId } = createRole({ ctx: admin, input: { baseRoleKey: 'supervisor', name: 'Shift lead', description: '', rank: 5, defaults } });
  await createUser({ ctx: principalOf(db, 'admin'), input: newPerson('lead', [defaultProfileId]) });
  return defaultProfileId;
}

describe('hole 6: the granular permissions gate their verbs', () => {
  it('without "Users: create" and "Users: delete" he neither creates nor deletes users, by action or API, yet still edits them', async () => {
    await shiftLead(['manage-users-create', 'manage-users-delete']);
    const agent = id.user('agent');
    const token = keyOf(db, 'lead');
    const before = stateOf(db);
    as('lead');
    const { createUserAction, deleteUserAction, updateUserAction } = await users();
    expect(await createUserAction(newPerson('made.by.lead', [id.profile('Agent')]))).toMatchObject({
      ok: false,
      code: 'forbidden',
      error: expect.stringMatching(/"Users: create"/),
    });
    expect(await deleteUserAction({ id: agent, rowVersion: id.rowVersion('agent') })).toMatchObject({
      ok: false,
      code: 'forbidden',
      error: expect.stringMatching(/"Users: delete"/),
    });
    expect((await callApi(token, 'POST', '/api/v1/users', newPerson('api.by.lead', [id.profile('Agent')]))).status).toBe(403);
    expect((await callApi(token, 'DELETE', `/api/v1/users/${agent}`, undefined, { 'if-match': '*' })).status).toBe(403);
    expect(changedSince(db, before)).toEqual([]);

    const current = userByLogin(db, 'agent');
    const edited = await updateUserAction({
      id: agent,
      rowVersion: current.rowVersion,
      loginName: current.loginName,
      email: current.email,
      name: current.name,
      nickname: 'Edited by the lead',
      groupId: current.groupId,
      maxChats: current.maxChats,
      skills: ['Spanish'],
    });
    expect(edited).toMatchObject({ ok: true });
  });

  it('without "Users: view" the users list is closed to him', async () => {
    await shiftLead(['manage-users-view']);
    const { status } = await callApi(keyOf(db, 'lead'), 'GET', '/api/v1/users');
    expect(status).toBe(403);
  });

  it('without "Groups: create" he creates no group, and "Groups: delete" alone does not let him edit one', async () => {
    await shiftLead(['manage-agent-groups-create', 'manage-agent-groups-edit']);
    as('lead');
    const groups = await import('./(console)/groups/actions');
    const before = stateOf(db);
    expect(await groups.createGroupAction({ name: 'Night shift', parentId: null })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/"Groups: create"/),
    });
    const care = db.select().from(t.groups).where(eq(t.groups.name, 'Customer care')).get()!;
    expect(await groups.updateGroupAction({ id: care.id, rowVersion: care.rowVersion, name: 'Renamed', parentId: null, enabled: true })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/"Groups: edit"/),
    });
    expect(changedSince(db, before)).toEqual([]);
  });

  it('he may not manage a user who holds a granular permission he lacks (a password reset would hand it to him)', async () => {
    await shiftLead(['manage-users-delete']);
    const supervisor = userByLogin(db, 'supervisor');
    as('lead');
    const { setUserStatusAction } = await users();
    expect(await setUserStatusAction({ id: supervisor.id, rowVersion: supervisor.rowVersion, status: 'deactivated' })).toMatchObject({
      ok: false,
      code: 'forbidden',
      error: expect.stringMatching(/"Users: delete", which you don't/),
    });
    expect(userByLogin(db, 'supervisor').status).toBe('active');
  });

  it('a section revoked takes its granular permissions with it ("requires"): the supervisor then creates nobody', async () => {
    const supervisor = id.user('supervisor');
    addOverride({ ctx: principalOf(db, 'admin'), input: { userId: supervisor, permissionKey: 'manage-users', effect: 'revoke', reason: 'on leave' } });
    const explain = principalOf(db, 'supervisor').effective.explain.get('manage-users-create')!;
    expect(explain).toMatchObject({ allowed: false, missing: [expect.objectContaining({ kind: 'missing-prerequisite', requires: 'manage-users' })] });
    as('supervisor');
    const { createUserAction } = await users();
    expect(await createUserAction(newPerson('made.by.supervisor', [id.profile('Agent')]))).toMatchObject({ ok: false, code: 'forbidden' });
    const asked = await callApi(keyOf(db, 'admin'), 'POST', '/api/v1/authorize', { questions: [{ user: supervisor, permission: 'manage-users-create' }] });
    expect(asked).toMatchObject({ status: 200, body: { answers: [{ allowed: false, reason: 'missing-prerequisite' }] } });
  });

  it('a role or profile with a granular permission on and its section off is refused, naming both', async () => {
    const admin = principalOf(db, 'admin');
    const supervisor = admin.catalog.roleByKey.get('supervisor')!;
    const defaults = roleDefaults(supervisor, new Set()).filter((k) => k !== 'reports');
    const before = stateOf(db);
    as('admin');
    const roles = await import('./(console)/roles/actions');
    const created = await roles.createRoleAction({ baseRoleKey: 'supervisor', name: 'Reports-less', description: '', rank: 5, defaults });
    expect(created).toMatchObject({ ok: false, code: 'invalid', error: expect.stringMatching(/"Reports: view" requires "Reports"/) });
    expect(changedSince(db, before)).toEqual([]);
  });
});

describe('hole 9: ranks and the Administrator on the Aivo preset', () => {
  it('a Supervisor does not delete the Administrator, a Supervisor Agent does not delete a Supervisor, by action or API', async () => {
    const fresh = await createUser({ ctx: principalOf(db, 'admin'), input: newPerson('second.admin', [id.profile('Administrator')]) });
    const freshSupervisor = await createUser({ ctx: principalOf(db, 'admin'), input: newPerson('second.supervisor', [id.profile('Supervisor')]) });
    const supervisorKey = keyOf(db, 'supervisor');
    const supagentKey = keyOf(db, 'supagent');
    const before = stateOf(db);
    as('supervisor');
    const { deleteUserAction } = await users();
    expect(await deleteUserAction({ id: fresh.id, rowVersion: id.rowVersion('second.admin') })).toMatchObject({ ok: false, code: 'forbidden' });
    expect((await callApi(supervisorKey, 'DELETE', `/api/v1/users/${fresh.id}`, undefined, { 'if-match': '*' })).status).toBe(403);
    as('supagent');
    expect(await deleteUserAction({ id: freshSupervisor.id, rowVersion: id.rowVersion('second.supervisor') })).toMatchObject({ ok: false, code: 'forbidden' });
    expect((await callApi(supagentKey, 'DELETE', `/api/v1/users/${freshSupervisor.id}`, undefined, { 'if-match': '*' })).status).toBe(403);
    expect(changedSince(db, before)).toEqual([]);
  });

  it("a holder of a lesser Administrator profile cannot remove the admin's Administrator profile", async () => {
    const admin = principalOf(db, 'admin');
    const { id: lesser } = duplicateProfile({ ctx: admin, input: { id: id.profile('Administrator'), name: 'Administrator without API keys' } });
    const copy = getProfile({ ctx: admin, input: { id: lesser } });
    saveProfile({
      ctx: admin,
      input: { id: lesser, rowVersion: copy.rowVersion, name: copy.name, permissions: copy.permissions.filter((k) => k !== 'manage-api-keys'), mode: 'apply' },
    });
    await createUser({ ctx: admin, input: newPerson('lesser', [lesser]) });
    const token = keyOf(db, 'lesser');
    const before = stateOf(db);
    as('lesser');
    const { unassignProfileAction } = await users();
    expect(await unassignProfileAction({ userId: id.user('admin'), roleKey: 'administrator' })).toMatchObject({
      ok: false,
      code: 'forbidden',
      error: expect.stringMatching(/API keys/),
    });
    expect((await callApi(token, 'DELETE', `/api/v1/users/${id.user('admin')}/profiles/administrator`)).status).toBe(403);
    expect(changedSince(db, before)).toEqual([]);
  });

  it('a custom role based on Administrator never stores the Administrator-only permissions', async () => {
    const admin = principalOf(db, 'admin');
    const base = admin.catalog.roleByKey.get('administrator')!;
    const exclusive = base.permissions.filter((p) => p.exclusive).map((p) => p.key);
    expect(exclusive.length).toBeGreaterThan(0);
    as('admin');
    const roles = await import('./(console)/roles/actions');
    const before = stateOf(db);
    const withThem = await roles.createRoleAction({
      baseRoleKey: 'administrator',
      name: 'Deputy',
      description: '',
      rank: 5,
      defaults: roleDefaults(base, new Set()),
    });
    expect(withThem).toMatchObject({ ok: false });
    expect(changedSince(db, before)).toEqual([]);
    const defaults = roleDefaults(base, new Set()).filter((k) => !exclusive.includes(k));
    const created = await roles.createRoleAction({ baseRoleKey: 'administrator', name: 'Deputy', description: '', rank: 5, defaults });
    expect(created).toMatchObject({ ok: true });
    const row = db.select().from(t.roles).where(eq(t.roles.name, 'Deputy')).get()!;
    expect((row.defaults ?? []).filter((k) => exclusive.includes(k))).toEqual([]);
    const version = db
      .select()
      .from(t.profileVersions)
      .where(eq(t.profileVersions.profileId, (created as { data: { defaultProfileId: number } }).data.defaultProfileId))
      .get()!;
    expect(version.permissions.filter((k) => exclusive.includes(k))).toEqual([]);
  });
});

describe('second round of attacks', () => {
  it('without "Users: view" nothing is written over the API (it once created the user, then answered 403)', async () => {
    await shiftLead(['manage-users-view']);
    const token = keyOf(db, 'lead');
    const agent = id.user('agent');
    const before = stateOf(db);
    expect((await callApi(token, 'POST', '/api/v1/users', newPerson('unseen', [id.profile('Agent')]))).status).toBe(403);
    expect((await callApi(token, 'POST', `/api/v1/users/${agent}/profiles`, { profileId: id.profile('Coordinator') })).status).toBe(403);
    expect((await callApi(token, 'POST', `/api/v1/users/${agent}/overrides`, { permissionKey: 'reports', effect: 'revoke', reason: 'x' })).status).toBe(403);
    expect(changedSince(db, before)).toEqual([]);
    as('lead');
    const { createUserAction } = await users();
    expect(await createUserAction(newPerson('unseen.ui', [id.profile('Agent')]))).toMatchObject({ ok: false, error: expect.stringMatching(/"Users: view"/) });
  });
});

describe('messages', () => {
  it('a verb whose permission this preset lacks says so in words, never with a raw key', async () => {
    as('supervisor');
    const { createSkillAction } = await import('./(console)/skills/actions');
    const refused = await createSkillAction({ name: 'Portuguese (BR)' });
    expect(refused).toMatchObject({ ok: false, code: 'forbidden', error: 'You need a permission the Aivo Live preset does not have to create skills.' });
  });
});
