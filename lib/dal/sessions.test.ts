import { beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { createTestDatabase, principalOf, refusalOf, snapshot, userByLogin } from '@/lib/testing/db';
import { loadPrincipal } from './principal';
import { endSession, openSession, SESSION_MAX_AGE_MS, sessionIsOpen, signOutEverywhere } from './sessions';

let db: DB;
beforeEach(async () => {
  db = await createTestDatabase();
});

describe('sessions', () => {
  it('signing out ends that session on the server, and only that one', () => {
    const sales = userByLogin(db, 'sales');
    const here = openSession(sales.id);
    const there = openSession(sales.id);
    endSession(here);
    expect(sessionIsOpen(here, sales.id)).toBe(false);
    expect(sessionIsOpen(there, sales.id)).toBe(true);
    // A session id names its own user only, and ends SESSION_MAX_AGE_MS after its sign-in however active.
    expect(sessionIsOpen(there, userByLogin(db, 'agent').id)).toBe(false);
    expect(sessionIsOpen(there, sales.id, Date.now() + SESSION_MAX_AGE_MS + 1)).toBe(false);
  });

  it('"sign out everywhere" for oneself ends every session and every cookie of his, audited', () => {
    const sales = userByLogin(db, 'sales');
    const a = openSession(sales.id);
    const b = openSession(sales.id);
    signOutEverywhere({ ctx: principalOf(db, 'sales'), input: { id: sales.id } });
    expect([sessionIsOpen(a, sales.id), sessionIsOpen(b, sales.id)]).toEqual([false, false]);
    expect(loadPrincipal(sales.id, sales.sessionVersion, 'ui')).toBeNull();
    expect(db.select().from(t.auditEvents).where(eq(t.auditEvents.action, 'sign-out-everywhere')).all()).toHaveLength(1);
  });

  it('for another user: only whoever may manage him; out of reach is "not found", above him "forbidden", and nothing changes', () => {
    const agent = userByLogin(db, 'agent');
    signOutEverywhere({ ctx: principalOf(db, 'manager'), input: { id: agent.id } });
    expect(userByLogin(db, 'agent').sessionVersion).toBe(agent.sessionVersion + 1);
    const before = snapshot(db);
    expect(refusalOf(() => signOutEverywhere({ ctx: principalOf(db, 'manager'), input: { id: userByLogin(db, 'sales').id } })).code).toBe('not-found');
    expect(refusalOf(() => signOutEverywhere({ ctx: principalOf(db, 'manager'), input: { id: userByLogin(db, 'admin').id } })).code).toBe('forbidden');
    expect(refusalOf(() => signOutEverywhere({ ctx: principalOf(db, 'agent'), input: { id: userByLogin(db, 'sales').id } })).code).toBe('forbidden');
    expect(snapshot(db)).toEqual(before);
  });
});
