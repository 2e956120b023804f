import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { createTestDatabase, TEST_PASSWORD, userByLogin } from '@/lib/testing/db';
import { loadPrincipal } from './principal';
import { LOCK_MS, MAX_FAILURES, verifyCredentials } from './sign-in';

let db: DB;
beforeAll(async () => {
  db = await createTestDatabase();
});

describe('verifyCredentials', () => {
  it('signs in with the right password, whatever the login name case', async () => {
    const user = userByLogin(db, 'sales');
    await expect(verifyCredentials({ loginName: 'SALES', password: TEST_PASSWORD })).resolves.toEqual({
      ok: true,
      userId: user.id,
      sessionVersion: user.sessionVersion,
      device: expect.any(String),
    });
  });

  it('stores an argon2id hash, never the password', () => {
    const user = userByLogin(db, 'sales');
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.passwordHash).not.toContain(TEST_PASSWORD);
  });

  it('answers a wrong password, an unknown name and a deactivated user alike', async () => {
    await expect(verifyCredentials({ loginName: 'sales', password: 'wrong-password' })).resolves.toEqual({ ok: false, reason: 'wrong-credentials' });
    await expect(verifyCredentials({ loginName: 'ghost', password: TEST_PASSWORD })).resolves.toEqual({ ok: false, reason: 'wrong-credentials' });
    db.update(t.users).set({ status: 'deactivated' }).where(eq(t.users.loginName, 'ana.nguyen')).run();
    await expect(verifyCredentials({ loginName: 'ana.nguyen', password: TEST_PASSWORD })).resolves.toEqual({ ok: false, reason: 'wrong-credentials' });
  });

  it(`locks a login name after ${MAX_FAILURES} failures, even against the right password, until the lock ends`, async () => {
    const now = Date.now();
    for (let i = 1; i < MAX_FAILURES; i++) {
      await expect(verifyCredentials({ loginName: 'ben.nguyen', password: 'nope' }, now)).resolves.toMatchObject({ reason: 'wrong-credentials' });
    }
    await expect(verifyCredentials({ loginName: 'ben.nguyen', password: 'nope' }, now)).resolves.toMatchObject({ reason: 'locked' });
    await expect(verifyCredentials({ loginName: 'ben.nguyen', password: TEST_PASSWORD }, now + 1000)).resolves.toMatchObject({ reason: 'locked' });
    await expect(verifyCredentials({ loginName: 'ben.nguyen', password: TEST_PASSWORD }, now + LOCK_MS + 1)).resolves.toMatchObject({ ok: true });
  });

  it('a burst of wrong passwords sent at once is counted before any is checked: the name locks, the right password then waits', async () => {
    const now = Date.now();
    const burst = await Promise.all(Array.from({ length: 15 }, () => verifyCredentials({ loginName: 'cara.nguyen', password: 'guess' }, now)));
    expect(burst.every((r) => !r.ok)).toBe(true);
    // Only the first MAX_FAILURES were checked; the rest were refused as locked, unchecked.
    expect(burst.filter((r) => !r.ok && r.reason === 'locked').length).toBeGreaterThanOrEqual(15 - MAX_FAILURES + 1);
    await expect(verifyCredentials({ loginName: 'cara.nguyen', password: TEST_PASSWORD }, now + 1000)).resolves.toMatchObject({ reason: 'locked' });
  });

  it('a browser where he signed in before is not locked out by others guessing his name, and has a lock of its own', async () => {
    const now = Date.now();
    const first = await verifyCredentials({ loginName: 'dev.nguyen', password: TEST_PASSWORD }, now);
    if (!first.ok) throw new Error('expected a sign-in');
    for (let i = 0; i < MAX_FAILURES; i++) await verifyCredentials({ loginName: 'dev.nguyen', password: 'guess' }, now + 1);
    await expect(verifyCredentials({ loginName: 'dev.nguyen', password: TEST_PASSWORD }, now + 2)).resolves.toMatchObject({ reason: 'locked' });
    // His own browser still opens with the right password…
    await expect(verifyCredentials({ loginName: 'dev.nguyen', password: TEST_PASSWORD }, now + 3, first.device)).resolves.toMatchObject({ ok: true });
    // …a token for another name, or a forged one, counts for nothing…
    await expect(verifyCredentials({ loginName: 'dev.nguyen', password: TEST_PASSWORD }, now + 4, `${first.device}x`)).resolves.toMatchObject({
      reason: 'locked',
    });
    // …a token from before "sign out everywhere" (or a new password, or deactivation) counts for nothing…
    db.update(t.users)
      .set({ sessionVersion: userByLogin(db, 'dev.nguyen').sessionVersion + 1 })
      .where(eq(t.users.loginName, 'dev.nguyen'))
      .run();
    await expect(verifyCredentials({ loginName: 'dev.nguyen', password: TEST_PASSWORD }, now + 4, first.device)).resolves.toMatchObject({ reason: 'locked' });
    db.update(t.users)
      .set({ sessionVersion: userByLogin(db, 'dev.nguyen').sessionVersion - 1 })
      .where(eq(t.users.loginName, 'dev.nguyen'))
      .run();
    // …and guessing from that browser locks that browser alone.
    for (let i = 0; i < MAX_FAILURES; i++) await verifyCredentials({ loginName: 'dev.nguyen', password: 'guess' }, now + 5, first.device);
    await expect(verifyCredentials({ loginName: 'dev.nguyen', password: TEST_PASSWORD }, now + 6, first.device)).resolves.toMatchObject({ reason: 'locked' });
  });

  it('locks unknown login names too, so a lock reveals nothing', async () => {
    const now = Date.now();
    for (let i = 0; i < MAX_FAILURES; i++) await verifyCredentials({ loginName: 'nobody', password: 'nope' }, now);
    await expect(verifyCredentials({ loginName: 'nobody', password: 'nope' }, now)).resolves.toMatchObject({ reason: 'locked' });
  });

  it.each([
    [{}, /Login name is required/],
    [{ loginName: '', password: 'x' }, /Login name is required/],
    [{ loginName: 'x'.repeat(10_241), password: 'x' }, /Login name is too long/],
    [{ loginName: 'admin', password: 'x'.repeat(10_241) }, /Password is too long/],
    [{ loginName: 42, password: ['x'] }, /Login name is required.*Password is required/],
  ])('refuses malformed input %# with a clear message', async (input, message) => {
    await expect(verifyCredentials(input)).rejects.toThrow(message);
  });
});

describe('loadPrincipal', () => {
  it('is fresh: a deactivated user or an older session version gets no principal', () => {
    const user = userByLogin(db, 'chloe.nguyen');
    expect(loadPrincipal(user.id, user.sessionVersion, 'ui')).not.toBeNull();
    expect(loadPrincipal(user.id, user.sessionVersion - 1, 'ui')).toBeNull();
    db.update(t.users).set({ status: 'deactivated' }).where(eq(t.users.id, user.id)).run();
    expect(loadPrincipal(user.id, user.sessionVersion, 'ui')).toBeNull();
  });

  it('reads each profile at the version its holder is on: his own, or the floor raised by "Save and apply"', () => {
    const user = userByLogin(db, 'dev.nguyen');
    const agentProfile = db.select().from(t.profiles).where(eq(t.profiles.name, 'Agent')).get()!;
    db.insert(t.profileVersions)
      .values({ profileId: agentProfile.id, version: 2, permissions: ['join-agents-conversations-in-group'] })
      .run();
    db.update(t.profiles).set({ headVersion: 2 }).where(eq(t.profiles.id, agentProfile.id)).run();
    const onOld = loadPrincipal(user.id, user.sessionVersion, 'ui')!;
    expect(onOld.effective.explain.get('join-agents-conversations-in-group')?.allowed).toBe(false);
    db.update(t.profiles).set({ floorVersion: 2 }).where(eq(t.profiles.id, agentProfile.id)).run();
    const applied = loadPrincipal(user.id, user.sessionVersion, 'ui')!;
    expect(applied.effective.explain.get('join-agents-conversations-in-group')?.sources).toEqual([
      { kind: 'profile', profileId: agentProfile.id, profileName: 'Agent', roleKey: 'agent', version: 2 },
    ]);
  });
});
