import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { asyncRefusalOf, createTestDatabase, principalOf, snapshot, userByLogin } from '@/lib/testing/db';
import { loadPrincipal } from '../principal';
import { verifyCredentials } from '../sign-in';
import { createUser } from './create';
import { deleteUser } from './delete';
import { getUserDetails, setUserStatus, updateUser } from './edit';
import { addOverride, listOverrides, removeOverride } from './overrides';
import { getUserAccess } from './access';

let db: DB;
beforeAll(async () => {
  db = await createTestDatabase();
});

const group = (name: string) => db.select().from(t.groups).where(eq(t.groups.name, name)).get()!.id;
const profile = (name: string) => db.select().from(t.profiles).where(eq(t.profiles.name, name)).get()!.id;
const newAgent = (over: Record<string, unknown> = {}) => ({
  loginName: 'new.agent',
  password: 'a-long-password',
  email: 'new.agent@example.com',
  name: 'New Agent',
  nickname: 'Newt',
  groupId: group('Tier 2'),
  profileIds: [profile('Agent')],
  maxChats: 4,
  skills: ['Billing', 'Mandarin'],
  ...over,
});

describe('createUser', () => {
  it('four bad fields: every problem in words by its label, none as a raw key, each also by its field', async () => {
    const error = await asyncRefusalOf(() =>
      createUser({ ctx: principalOf(db, 'admin'), input: newAgent({ loginName: '', email: 'nope', name: '', password: 'short' }) }),
    );
    expect(Object.keys(error.fieldErrors ?? {}).sort()).toEqual(['email', 'loginName', 'name', 'password']);
    for (const messages of Object.values(error.fieldErrors!)) expect(error.message).toContain(messages[0]!.replace(/\.$/, ''));
    expect(error.message).not.toMatch(/\b(loginName|email|name|password):/);
  });

  it('allowed: a manager creates an agent in Tier 2 with two skills (one new), max chats and a profile', async () => {
    const { id } = await createUser({ ctx: principalOf(db, 'manager'), input: newAgent() });
    const details = getUserDetails({ ctx: principalOf(db, 'admin'), input: { id } });
    expect(details).toMatchObject({ loginName: 'new.agent', groupId: group('Tier 2'), maxChats: 4, skills: ['Billing', 'Mandarin'], isAgent: true });
    expect(db.select().from(t.skills).where(eq(t.skills.name, 'Mandarin')).get()).toBeDefined();
    await expect(verifyCredentials({ loginName: 'new.agent', password: 'a-long-password' })).resolves.toMatchObject({ ok: true });
    const audit = db
      .select()
      .from(t.auditEvents)
      .where(eq(t.auditEvents.entityId, String(id)))
      .all();
    expect(audit).toMatchObject([{ action: 'create', actorName: 'manager', after: { loginName: 'new.agent', skills: ['Billing', 'Mandarin'] } }]);
  });

  it.each([
    ['a group outside his subtree', () => ({ loginName: 'x1', groupId: group('Sales') }), 'invalid', /no such group/],
    [
      'an Admin profile',
      () => ({ loginName: 'x2', profileIds: [profile('Admin')], maxChats: null, skills: [] }),
      'forbidden',
      /Only holders of the Admin role/,
    ],
    [
      'a Campaign manager profile',
      () => ({ loginName: 'x3', profileIds: [profile('Campaign manager')], maxChats: null, skills: [] }),
      'forbidden',
      /Campaign manager/,
    ],
  ])('forbidden for a manager: %s, and nothing changes', async (_label, overOf, code, message) => {
    const over = overOf();
    const before = snapshot(db);
    const error = await asyncRefusalOf(() => createUser({ ctx: principalOf(db, 'manager'), input: newAgent(over) }));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(snapshot(db)).toEqual(before);
  });

  it('forbidden: an agent creates nobody', async () => {
    expect((await asyncRefusalOf(() => createUser({ ctx: principalOf(db, 'agent'), input: newAgent({ loginName: 'x4' }) }))).code).toBe('forbidden');
  });

  it.each([
    [() => ({ loginName: 'NEW.AGENT' }), 'loginName', /already taken/],
    [() => ({ loginName: 'x5', email: 'not-an-email' }), 'email', /not a valid address/],
    [
      () => ({
        loginName: 'x6',
        profileIds: [profile('Agent'), profile('Agent manager'), profile('Campaign manager'), profile('Admin'), profile('Agent manager with user management')],
      }),
      'profileIds',
      /at most four/,
    ],
    [
      () => ({ loginName: 'x7', profileIds: [profile('Agent manager'), profile('Agent manager with user management')], maxChats: null, skills: [] }),
      'profileIds',
      /one profile per role/,
    ],
    [() => ({ loginName: 'x8', maxChats: 0 }), 'maxChats', /positive whole number/],
    [() => ({ loginName: 'x9', maxChats: 2.5 }), 'maxChats', /positive whole number/],
    [() => ({ loginName: 'x10', profileIds: [profile('Agent manager')] }), 'maxChats', /agent profile/],
    [() => ({ loginName: 'x11', groupId: 99999 }), 'groupId', /no such group/],
    [() => ({ loginName: 'x12', profileIds: [99999] }), 'profileIds', /does not exist/],
    [() => ({ loginName: 'x13', password: 'short' }), 'password', /at least 8/],
    [() => ({ loginName: 'bad name' }), 'loginName', /letters, digits/],
  ])('precondition %#: refused naming the field, nothing changes', async (overOf, field, message) => {
    const over = overOf();
    const before = snapshot(db);
    const error = await asyncRefusalOf(() => createUser({ ctx: principalOf(db, 'admin'), input: newAgent(over) }));
    // A value someone else has is a conflict (409); anything else wrong with the input is invalid (400).
    expect(error.code).toBe(/taken/.test(message.source) ? 'conflict' : 'invalid');
    expect(error.message).toMatch(message);
    expect(Object.keys(error.fieldErrors ?? {})).toContain(field);
    expect(snapshot(db)).toEqual(before);
  });
});

describe('updateUser and status', () => {
  it('allowed: an admin edits an agent manager; the in-group permissions he lacks are covered by his account-wide ones', async () => {
    const admin = principalOf(db, 'admin');
    const manager = userByLogin(db, 'manager');
    const details = getUserDetails({ ctx: admin, input: { id: manager.id } });
    const { id, rowVersion, loginName, email, name, groupId, managedGroupIds, maxChats, skills } = details;
    await updateUser({ ctx: admin, input: { id, rowVersion, loginName, email, name, groupId, managedGroupIds, maxChats, skills, nickname: 'Morgan M.' } });
    expect(userByLogin(db, 'manager').nickname).toBe('Morgan M.');
  });

  it('a manager cannot see or touch the sales user: not found, not forbidden', async () => {
    const sales = userByLogin(db, 'sales');
    const manager = principalOf(db, 'manager');
    expect((await asyncRefusalOf(() => getUserAccess({ ctx: manager, input: { id: sales.id } }))).code).toBe('not-found');
    expect(
      (await asyncRefusalOf(() => setUserStatus({ ctx: manager, input: { id: sales.id, rowVersion: sales.rowVersion, status: 'deactivated' } }))).code,
    ).toBe('not-found');
  });

  it('a move into a group outside his subtree, and a stale version, are refused', async () => {
    const agent = userByLogin(db, 'agent');
    const details = getUserDetails({ ctx: principalOf(db, 'manager'), input: { id: agent.id } });
    const base = { ...details, id: agent.id, rowVersion: details.rowVersion } as Record<string, unknown>;
    delete base.status;
    delete base.isAgent;
    delete base.profiles;
    const before = snapshot(db);
    expect((await asyncRefusalOf(() => updateUser({ ctx: principalOf(db, 'manager'), input: { ...base, groupId: group('Sales') } }))).message).toMatch(
      /no such group/,
    );
    expect((await asyncRefusalOf(() => updateUser({ ctx: principalOf(db, 'manager'), input: { ...base, rowVersion: 1000 } }))).code).toBe('stale');
    expect(snapshot(db)).toEqual(before);
    await updateUser({ ctx: principalOf(db, 'manager'), input: { ...base, groupId: group('Tier 2'), skills: ['Returns'] } });
    expect(getUserDetails({ ctx: principalOf(db, 'admin'), input: { id: agent.id } })).toMatchObject({ groupId: group('Tier 2'), skills: ['Returns'] });
  });

  it('deactivation refuses the user on his next request and at sign-in; reactivation lets him back', async () => {
    const user = userByLogin(db, 'new.agent');
    expect(loadPrincipal(user.id, user.sessionVersion, 'ui')).not.toBeNull();
    setUserStatus({ ctx: principalOf(db, 'admin'), input: { id: user.id, rowVersion: user.rowVersion, status: 'deactivated' } });
    expect(loadPrincipal(user.id, user.sessionVersion, 'ui')).toBeNull();
    await expect(verifyCredentials({ loginName: 'new.agent', password: 'a-long-password' })).resolves.toMatchObject({ ok: false });
    const now = userByLogin(db, 'new.agent');
    setUserStatus({ ctx: principalOf(db, 'admin'), input: { id: user.id, rowVersion: now.rowVersion, status: 'active' } });
    await expect(verifyCredentials({ loginName: 'new.agent', password: 'a-long-password' })).resolves.toMatchObject({ ok: true });
  });

  it('nobody deactivates himself, and the last active user able to manage users stays', async () => {
    const admin = userByLogin(db, 'admin');
    expect(
      (
        await asyncRefusalOf(() =>
          setUserStatus({ ctx: principalOf(db, 'admin'), input: { id: admin.id, rowVersion: admin.rowVersion, status: 'deactivated' } }),
        )
      ).message,
    ).toMatch(/own status/);
    // A second admin tries to deactivate the only other one.
    const { id } = await createUser({
      ctx: principalOf(db, 'admin'),
      input: newAgent({ loginName: 'admin2', profileIds: [profile('Admin')], maxChats: null, skills: [], groupId: null }),
    });
    const admin2 = principalOf(db, 'admin2');
    setUserStatus({ ctx: admin2, input: { id: admin.id, rowVersion: admin.rowVersion, status: 'deactivated' } });
    const a2 = userByLogin(db, 'admin2');
    const reactivate = userByLogin(db, 'admin');
    expect(loadPrincipal(admin.id, admin.sessionVersion, 'ui')).toBeNull();
    // admin is now deactivated; admin2 is the last: nobody may deactivate him (not even via a third party).
    expect(
      (await asyncRefusalOf(() => setUserStatus({ ctx: admin2, input: { id: a2.id, rowVersion: a2.rowVersion, status: 'deactivated' } }))).message,
    ).toMatch(/own status/);
    setUserStatus({ ctx: admin2, input: { id: reactivate.id, rowVersion: reactivate.rowVersion, status: 'active' } });
    expect(id).toBeGreaterThan(0);
  });
});

describe('overrides', () => {
  it('an admin grants with a reason and an expiry; it shows as the source; removing it takes it away', () => {
    const target = userByLogin(db, 'agent');
    const admin = principalOf(db, 'admin');
    const { id } = addOverride({
      ctx: admin,
      input: {
        userId: target.id,
        permissionKey: 'join-agents-conversations-in-group',
        effect: 'grant',
        reason: 'Covering for Tier 2',
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      },
    });
    const access = getUserAccess({ ctx: admin, input: { id: target.id } });
    expect(access.permissions.find((p) => p.key === 'join-agents-conversations-in-group')).toMatchObject({
      allowed: true,
      sources: [{ kind: 'grant', by: 'Avery Admin', reason: 'Covering for Tier 2' }],
    });
    expect(listOverrides({ ctx: admin, input: { userId: target.id } })).toHaveLength(1);
    removeOverride({ ctx: admin, input: { id } });
    expect(getUserAccess({ ctx: admin, input: { id: target.id } }).permissions.find((p) => p.key === 'join-agents-conversations-in-group')?.allowed).toBe(
      false,
    );
  });

  it('a manager cannot grant what he lacks; nobody revokes a core permission; a past expiry is refused', async () => {
    const target = userByLogin(db, 'agent');
    const before = snapshot(db);
    const e1 = await asyncRefusalOf(() =>
      addOverride({
        ctx: principalOf(db, 'manager'),
        input: { userId: target.id, permissionKey: 'transfer-messaging-conversations-to-an-agent-in-offline-state', effect: 'grant', reason: 'x' },
      }),
    );
    expect(e1.code).toBe('forbidden');
    const e2 = await asyncRefusalOf(() =>
      addOverride({ ctx: principalOf(db, 'admin'), input: { userId: target.id, permissionKey: 'view-own-performance', effect: 'revoke', reason: 'x' } }),
    );
    expect(e2.fieldErrors).toHaveProperty('permissionKey');
    const e3 = await asyncRefusalOf(() =>
      addOverride({
        ctx: principalOf(db, 'admin'),
        input: { userId: target.id, permissionKey: 'manage-skills', effect: 'grant', reason: 'x', expiresAt: '2001-01-01' },
      }),
    );
    expect(e3.fieldErrors).toHaveProperty('expiresAt');
    const e4 = await asyncRefusalOf(() =>
      addOverride({ ctx: principalOf(db, 'admin'), input: { userId: target.id, permissionKey: 'manage-skills', effect: 'grant', reason: '' } }),
    );
    expect(e4.fieldErrors).toHaveProperty('reason');
    expect(snapshot(db)).toEqual(before);
  });
});

describe('deleteUser', () => {
  it('deletes a user with no history, with an audit row; refuses one with history, and a manager', async () => {
    const admin = principalOf(db, 'admin');
    const { id } = await createUser({ ctx: admin, input: newAgent({ loginName: 'mistake' }) });
    const mistake = userByLogin(db, 'mistake');
    expect((await asyncRefusalOf(() => deleteUser({ ctx: principalOf(db, 'manager'), input: { id, rowVersion: mistake.rowVersion } }))).code).toBe('forbidden');
    deleteUser({ ctx: admin, input: { id, rowVersion: mistake.rowVersion } });
    expect(db.select().from(t.users).where(eq(t.users.id, id)).get()).toBeUndefined();
    expect(
      db
        .select()
        .from(t.auditEvents)
        .where(eq(t.auditEvents.entityId, String(id)))
        .all()
        .at(-1),
    ).toMatchObject({ action: 'delete', before: { loginName: 'mistake' } });

    const manager = userByLogin(db, 'manager'); // he created users: his history stays
    const before = snapshot(db);
    expect((await asyncRefusalOf(() => deleteUser({ ctx: admin, input: { id: manager.id, rowVersion: manager.rowVersion } }))).message).toMatch(
      /has a history.*deactivate him instead/,
    );
    expect(snapshot(db)).toEqual(before);
  });
});
