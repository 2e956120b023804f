import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { createTestDatabase, principalOf, refusalOf, snapshot, userByLogin, writeFromAnotherProcess } from '@/lib/testing/db';
import { authenticateApiKey, createApiKey, hashApiKey, listApiKeys, revokeApiKey } from './api-keys';
import { holds } from './authorize';
import { setUserStatus, addOverride, unassignProfile } from './users';
import { effectivePermissions } from '@/lib/permissions/effective';
import { readEffectiveInput } from './principal';

let db: DB;
beforeAll(async () => {
  db = await createTestDatabase();
});

const heldBy = (loginName: string) => {
  const user = userByLogin(db, loginName);
  const e = effectivePermissions(principalOf(db, 'admin').catalog, readEffectiveInput(user.id));
  return [...e.explain.values()].filter((x) => x.allowed).map((x) => x.key);
};
const auditOf = (id: number) =>
  db
    .select()
    .from(t.auditEvents)
    .where(eq(t.auditEvents.entityType, 'api-key'))
    .all()
    .filter((e) => e.entityId === String(id));

describe('createApiKey', () => {
  it('allowed: an admin creates a key for the manager; the secret is shown once and stored only hashed', () => {
    const admin = principalOf(db, 'admin');
    const manager = userByLogin(db, 'manager');
    const { id, token, prefix } = createApiKey({
      ctx: admin,
      input: { name: 'CRM sync', userId: manager.id, permissions: ['manage-agent-users-in-group', 'manage-agent-groups'], expiresAt: null },
    });
    expect(token).toMatch(/^sb_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(token.startsWith(`${prefix}_`)).toBe(true);
    const row = db.select().from(t.apiKeys).where(eq(t.apiKeys.id, id)).get()!;
    expect(row.secretHash).toBe(hashApiKey(token));
    expect(JSON.stringify(db.$client.prepare('select * from api_keys').all())).not.toContain(token.slice(12));
    const [event] = auditOf(id);
    expect(event).toMatchObject({ action: 'create', actorName: 'admin', after: { name: 'CRM sync', user: 'manager', prefix } });
    expect(JSON.stringify(event)).not.toContain(token.slice(12));

    const { principal } = authenticateApiKey(token);
    expect(principal).toMatchObject({ userId: manager.id, source: 'api', apiKey: { id, name: 'CRM sync' } });
    expect(holds(principal, 'manage-agent-users-in-group')).toBe(true);
    // The manager holds it, the key does not list it.
    expect(heldBy('manager')).toContain('manage-agent-profiles-in-group');
    expect(holds(principal, 'manage-agent-profiles-in-group')).toBe(false);
    expect(principal.effective.explain.get('manage-agent-profiles-in-group')?.missing).toEqual([{ kind: 'not-in-api-key' }]);

    const listed = listApiKeys({ ctx: admin }).find((k) => k.id === id)!;
    expect(listed).toMatchObject({ name: 'CRM sync', prefix, status: 'active', user: { loginName: 'manager' }, createdBy: 'Avery Admin' });
    expect(listed.lastUsedAt).not.toBeNull();
  });

  it('a key never does more than its user may do at the moment of the call', () => {
    const admin = principalOf(db, 'admin');
    const agent = userByLogin(db, 'chloe.nguyen');
    const keyPermission = heldBy('chloe.nguyen').find((k) => !principalOf(db, 'admin').catalog.roleByKey.get('agent')!.coreKeys.has(k))!;
    const { token } = createApiKey({ ctx: admin, input: { name: 'Chloe bot', userId: agent.id, permissions: [keyPermission] } });
    expect(holds(authenticateApiKey(token).principal, keyPermission)).toBe(true);

    // Her profile goes: the very next call no longer holds it.
    unassignProfile({ ctx: admin, input: { userId: agent.id, roleKey: 'agent' } });
    expect(holds(authenticateApiKey(token).principal, keyPermission)).toBe(false);

    // Deactivated: the key stops working on its next call.
    setUserStatus({ ctx: admin, input: { id: agent.id, rowVersion: userByLogin(db, 'chloe.nguyen').rowVersion, status: 'deactivated' } });
    expect(refusalOf(() => authenticateApiKey(token))).toMatchObject({ code: 'unauthenticated', message: expect.stringMatching(/deactivated/) });
    expect(listApiKeys({ ctx: admin }).find((k) => k.name === 'Chloe bot')?.status).toBe('user-deactivated');
  });

  it('precondition: a key lists only what its user holds; bad input names the field; nothing is written', () => {
    const admin = principalOf(db, 'admin');
    const agent = userByLogin(db, 'agent');
    const before = snapshot(db);
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '', userId: agent.id, permissions: ['view-own-performance'] }, 'name'],
      [{ name: 'x', userId: agent.id, permissions: [] }, 'permissions'],
      [{ name: 'x', userId: agent.id, permissions: ['no-such-permission'] }, 'permissions'],
      [{ name: 'x', userId: agent.id, permissions: ['manage-users-and-roles'] }, 'permissions'],
      [{ name: 'x', userId: agent.id, permissions: ['view-own-performance'], expiresAt: '2000-01-01T00:00:00Z' }, 'expiresAt'],
      [{ name: 'x', userId: agent.id, permissions: ['view-own-performance'], rateLimitPerMinute: 0 }, 'rateLimitPerMinute'],
      [{ name: 'x', userId: 999999, permissions: ['view-own-performance'] }, 'userId'],
      [{ name: 'x', userId: agent.id, permissions: ['view-own-performance'], secret: 'mine' }, 'form'],
    ];
    for (const [input, field] of cases) {
      const error = refusalOf(() => createApiKey({ ctx: admin, input }));
      expect([error.code, Object.keys(error.fieldErrors ?? { form: [] })], JSON.stringify(input)).toEqual(['invalid', [field]]);
    }
    expect(snapshot(db)).toEqual(before);
  });

  it('forbidden: an agent and an agent manager without "Manage API keys" are refused and it is logged', () => {
    const agent = userByLogin(db, 'agent');
    const before = snapshot(db);
    for (const who of ['agent', 'manager']) {
      const error = refusalOf(() =>
        createApiKey({ ctx: principalOf(db, who), input: { name: 'mine', userId: agent.id, permissions: ['view-own-performance'] } }),
      );
      expect(error.code).toBe('forbidden');
      expect(error.message).toMatch(/Manage API keys/);
    }
    expect(snapshot(db)).toEqual(before);
    const logged = db.select().from(t.deniedAttempts).all().slice(-2);
    expect(logged.map((d) => [d.actorName, d.action])).toEqual([
      ['agent', 'create API keys'],
      ['manager', 'create API keys'],
    ]);
  });

  it('no escalation: a manager given "Manage API keys" reaches only his subtree and hands out only what he holds', () => {
    const admin = principalOf(db, 'admin');
    const manager = userByLogin(db, 'manager');
    addOverride({ ctx: admin, input: { userId: manager.id, permissionKey: 'manage-api-keys', effect: 'grant', reason: 'integration owner' } });
    createApiKey({ ctx: admin, input: { name: 'Admin own', userId: userByLogin(db, 'admin').id, permissions: ['manage-skills'] } });
    const ctx = principalOf(db, 'manager');
    const sales = userByLogin(db, 'sales');
    const agent = userByLogin(db, 'agent');
    // Outside his subtree, the user does not exist for him.
    expect(refusalOf(() => createApiKey({ ctx, input: { name: 'x', userId: sales.id, permissions: ['view-own-performance'] } })).fieldErrors).toEqual({
      userId: ['Unknown user'],
    });
    // A work permission the agent holds and he does not: he cannot put it on a key.
    const mine = new Set(heldBy('manager'));
    const beyond = heldBy('agent').find((k) => !mine.has(k));
    expect(beyond).toBeDefined();
    expect(refusalOf(() => createApiKey({ ctx, input: { name: 'x', userId: agent.id, permissions: [beyond!] } })).code).toBe('forbidden');
    // What both hold is fine, and the key reads as his agent's.
    const shared = heldBy('agent').find((k) => mine.has(k))!;
    const { token } = createApiKey({ ctx, input: { name: 'Tier 1 bot', userId: agent.id, permissions: [shared] } });
    expect(authenticateApiKey(token).principal.userId).toBe(agent.id);
    // He sees keys acting for himself and his subtree's agents, not the admin's own (ranked above him).
    expect(listApiKeys({ ctx }).map((k) => k.name)).toEqual(['Tier 1 bot', 'Chloe bot', 'CRM sync']);
    expect(listApiKeys({ ctx: admin }).map((k) => k.name)).toContain('Admin own');
  });
});

describe('revokeApiKey and authentication', () => {
  it('a revoked key is refused on its next call; revoking twice is a conflict; an agent may not revoke', () => {
    const admin = principalOf(db, 'admin');
    const { id, token } = createApiKey({ ctx: admin, input: { name: 'Soon gone', userId: userByLogin(db, 'admin').id, permissions: ['manage-skills'] } });
    expect(refusalOf(() => revokeApiKey({ ctx: principalOf(db, 'agent'), input: { id } })).code).toBe('forbidden');
    revokeApiKey({ ctx: admin, input: { id } });
    expect(refusalOf(() => authenticateApiKey(token))).toMatchObject({ code: 'unauthenticated', message: expect.stringMatching(/revoked/) });
    expect(refusalOf(() => revokeApiKey({ ctx: admin, input: { id } })).code).toBe('conflict');
    expect(auditOf(id).map((e) => e.action)).toEqual(['create', 'revoke']);
    expect(listApiKeys({ ctx: admin }).find((k) => k.id === id)?.status).toBe('revoked');
  });

  it('an expired key, a malformed one and an unknown one are refused', () => {
    const admin = principalOf(db, 'admin');
    const expiresAt = new Date(Date.now() + 60_000);
    const { token } = createApiKey({
      ctx: admin,
      input: { name: 'Short lived', userId: userByLogin(db, 'admin').id, permissions: ['manage-skills'], expiresAt },
    });
    expect(authenticateApiKey(token).principal.loginName).toBe('admin');
    expect(refusalOf(() => authenticateApiKey(token, expiresAt.getTime() + 1)).message).toMatch(/expired/);
    expect(refusalOf(() => authenticateApiKey(null)).message).toMatch(/Authorization: Bearer/);
    expect(refusalOf(() => authenticateApiKey('not-a-key')).code).toBe('unauthenticated');
    expect(refusalOf(() => authenticateApiKey(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).code).toBe('unauthenticated');
  });

  it('a key writes its last use at most once a minute', () => {
    const admin = principalOf(db, 'admin');
    const { id, token } = createApiKey({ ctx: admin, input: { name: 'Busy', userId: userByLogin(db, 'admin').id, permissions: ['manage-skills'] } });
    const lastUsed = () => db.select().from(t.apiKeys).where(eq(t.apiKeys.id, id)).get()!.lastUsedAt?.getTime();
    const t0 = Date.now();
    authenticateApiKey(token, t0);
    authenticateApiKey(token, t0 + 30_000);
    expect(lastUsed()).toBe(t0);
    authenticateApiKey(token, t0 + 61_000);
    expect(lastUsed()).toBe(t0 + 61_000);
  });

  it("a key's principal is reused between calls only while nothing it depends on changed: an event, another process, an expiry", () => {
    const admin = principalOf(db, 'admin');
    const manager = userByLogin(db, 'manager');
    const { token } = createApiKey({
      ctx: admin,
      input: { name: 'Cached', userId: manager.id, permissions: ['manage-agent-users-in-group', 'manage-skills'] },
    });
    const t0 = Date.now();
    const first = authenticateApiKey(token, t0).principal;
    expect(authenticateApiKey(token, t0 + 1000).principal).toBe(first);

    // A revocation that runs out: lost at once, back right after its expiry, with nothing written in between.
    expect(holds(first, 'manage-skills')).toBe(true);
    const expiresAt = t0 + 5_000;
    addOverride({
      ctx: admin,
      input: { userId: manager.id, permissionKey: 'manage-skills', effect: 'revoke', reason: 'for a while', expiresAt: new Date(expiresAt) },
    });
    const revoked = authenticateApiKey(token, t0 + 2000).principal;
    expect(revoked).not.toBe(first);
    expect(holds(revoked, 'manage-skills')).toBe(false);
    expect(holds(authenticateApiKey(token, expiresAt - 1).principal, 'manage-skills')).toBe(false);
    expect(holds(authenticateApiKey(token, expiresAt + 1).principal, 'manage-skills')).toBe(true);

    // Another process deactivates the manager behind the console's back (no audit event): the next call sees it.
    writeFromAnotherProcess(db, "update users set status = 'deactivated' where id = ?", manager.id);
    expect(refusalOf(() => authenticateApiKey(token, expiresAt + 2)).message).toMatch(/deactivated/);
    writeFromAnotherProcess(db, "update users set status = 'active' where id = ?", manager.id);
    expect(authenticateApiKey(token, expiresAt + 3).principal.userId).toBe(manager.id);
  });
});
