import { beforeEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { roleDefaults } from '@/lib/permissions/catalog';
import { createRole, deleteRole } from '@/lib/dal/roles';
import { createUser } from '@/lib/dal/users';
import { callApi } from '@/lib/testing/api';
import { asyncRefusalOf, createTestDatabase, principalOf, userByLogin } from '@/lib/testing/db';
import { changedSince, deniedFor, idsIn, keyOf, newPersonInput, signInAs, stateOf } from '@/lib/testing/personas';

/**
 * The holes an attacker found on the Livecaller preset (issue 12), tried again through server
 * actions called directly with his session and the REST API with his key.
 */
const session = vi.hoisted(() => ({ current: null as { userId: number; sessionVersion: number } | null }));
vi.mock('@/lib/auth/session', () => ({ currentSessionUser: async () => session.current }));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

let db: DB;
let id: ReturnType<typeof idsIn>;
beforeEach(async () => {
  db = await createTestDatabase('livecaller');
  id = idsIn(db);
});
const as = (loginName: string) => signInAs(db, session, loginName);
const newPerson = (loginName: string, profileIds: number[]) => newPersonInput(loginName, id.group('Support'), profileIds);

/** A custom role based on Admin, ranked 1 (below Admin), and its holder `lead`. */
async function teamLead() {
  const admin = principalOf(db, 'admin');
  const base = admin.catalog.roleByKey.get('admin')!;
  const { defaultProfileId, key } = createRole({
    ctx: admin,
    input: { baseRoleKey: 'admin', name: 'Team lead', description: '', rank: 1, defaults: roleDefaults(base, new Set()) },
  });
  await createUser({ ctx: principalOf(db, 'admin'), input: newPerson('lead', [defaultProfileId]) });
  return { defaultProfileId, key };
}

describe('hole 9: a custom role based on Admin but ranked below it', () => {
  it('creates no profile in the Admin role, by action or API (the API once answered 404 and created it), and each try is logged', async () => {
    await teamLead();
    const admin = principalOf(db, 'admin');
    const permissions = roleDefaults(admin.catalog.roleByKey.get('admin')!, new Set());
    const token = keyOf(db, 'lead');
    const before = stateOf(db);
    const logged = deniedFor(db, 'lead').length;
    as('lead');
    const { createProfileAction } = await import('./(console)/profiles/actions');
    expect(await createProfileAction({ roleKey: 'admin', name: 'Admin by lead', permissions })).toMatchObject({ ok: false, code: 'forbidden' });
    const api = await callApi(token, 'POST', '/api/v1/profiles', { roleKey: 'admin', name: 'Admin by lead (API)', permissions });
    expect(api.status).toBe(403);
    expect(changedSince(db, before)).toEqual([]);
    expect(deniedFor(db, 'lead').length).toBe(logged + 2);
  });

  it('does not see, edit or delete Admin profiles: they do not exist for him, and trying is logged', async () => {
    await teamLead();
    const adminProfile = id.profile('Admin');
    const token = keyOf(db, 'lead');
    const logged = deniedFor(db, 'lead').length;
    expect((await callApi(token, 'GET', `/api/v1/profiles/${adminProfile}`)).status).toBe(404);
    expect((await callApi(token, 'DELETE', `/api/v1/profiles/${adminProfile}`, undefined, { 'if-match': '*' })).status).toBe(404);
    expect(deniedFor(db, 'lead').length).toBe(logged + 2);
    const listed = await callApi(token, 'GET', '/api/v1/profiles');
    expect((listed.body.data as { roleKey: string }[]).map((p) => p.roleKey)).not.toContain('admin');
  });
});

describe('hole 9: a role deleted while a user is created with its profile', () => {
  it('answers a clear refusal, not a 500, and creates nobody', async () => {
    const { defaultProfileId, key } = await teamLead();
    // The lead holds the role: give it up first, so the role can go.
    const lead = userByLogin(db, 'lead');
    db.delete(t.userProfiles).where(eq(t.userProfiles.userId, lead.id)).run();
    const admin = principalOf(db, 'admin');
    // createUser checks, then awaits the password hash; the role goes in between.
    const creating = createUser({ ctx: admin, input: newPerson('late', [defaultProfileId]) });
    const role = db.select().from(t.roles).where(eq(t.roles.key, key)).get()!;
    deleteRole({ ctx: principalOf(db, 'admin'), input: { key, rowVersion: role.rowVersion } });
    const refusal = await asyncRefusalOf(() => creating);
    expect(refusal).toMatchObject({ code: 'invalid', fieldErrors: { profileIds: ['Unknown profile'] } });
    expect(db.select().from(t.users).where(eq(t.users.loginName, 'late')).get()).toBeUndefined();
  });
});

describe('unique values under concurrency', () => {
  it('three creates of one login name at once: one user, two 409s naming the login name', async () => {
    const token = keyOf(db, 'admin');
    const body = (n: number) => ({ ...newPerson('same.name', [id.profile('Operator')]), email: `same${n}@example.com` });
    const results = await Promise.all([1, 2, 3].map((n) => callApi(token, 'POST', '/api/v1/users', body(n))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    for (const r of results.filter((x) => x.status === 409))
      expect(r.body).toMatchObject({ error: { fields: { loginName: [expect.stringMatching(/taken/)] } } });
    expect(db.select().from(t.users).where(eq(t.users.loginName, 'same.name')).all()).toHaveLength(1);
  });

  it('a repeated managed group is one managed group, not a 500', async () => {
    const token = keyOf(db, 'admin');
    const created = await callApi(token, 'POST', '/api/v1/users', {
      ...newPerson('twice', [id.profile('Admin')]),
      managedGroupIds: [id.group('Sales'), id.group('Sales')],
    });
    expect(created.status).toBe(201);
    expect(
      db
        .select()
        .from(t.managedGroups)
        .where(eq(t.managedGroups.userId, userByLogin(db, 'twice').id))
        .all(),
    ).toHaveLength(1);
  });
});
