import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { DB } from '@/db/client';
import { createTestDatabase, userByLogin, snapshot } from '@/lib/testing/db';

/**
 * Server actions called directly, as a crafted request would: only the session cookie → user
 * step is stood in for; the principal, the authorization and the database are real.
 */
const session = vi.hoisted(() => ({ current: null as { userId: number; sessionVersion: number } | null }));
vi.mock('@/lib/auth/session', () => ({ currentSessionUser: async () => session.current }));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

let db: DB;
beforeAll(async () => {
  db = await createTestDatabase();
});

const signInAs = (loginName: string | null) => {
  if (!loginName) return void (session.current = null);
  const user = userByLogin(db, loginName);
  session.current = { userId: user.id, sessionVersion: user.sessionVersion };
};

// Actions that are public by nature, or self-service: signing in and out (lib/dal/sessions.test.ts tests those verbs).
const PUBLIC = new Set(['signInAction', 'signOutAction', 'signOutEverywhereAction']);

function actionFiles(dir = path.join(__dirname)): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return actionFiles(p);
    return e.name === 'actions.ts' ? [p] : [];
  });
}

async function allActions() {
  const out: { name: string; fn: (...args: unknown[]) => Promise<unknown> }[] = [];
  for (const file of actionFiles()) {
    const mod = (await import(file)) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(mod)) {
      if (typeof fn === 'function' && !PUBLIC.has(name)) out.push({ name: `${path.relative(__dirname, file)}#${name}`, fn: fn as never });
    }
  }
  return out;
}

const crafted = [{ key: 'messaging', enabled: false, rowVersion: 1 }, new FormData()];

describe('every exported server action', () => {
  it('finds the actions to check', async () => {
    expect((await allActions()).length).toBeGreaterThan(0);
  });

  it.each([
    [null, 'unauthenticated'],
    ['agent', 'forbidden'],
  ] as const)('refuses %s and changes nothing', async (loginName, code) => {
    signInAs(loginName);
    const before = snapshot(db);
    for (const { name, fn } of await allActions()) {
      for (const input of crafted) {
        const result = (await fn(input)) as { ok: boolean; code?: string };
        expect(result, name).toMatchObject({ ok: false, code });
      }
    }
    expect(snapshot(db)).toEqual(before);
  });

  it('a deactivated user is refused on his very next call', async () => {
    signInAs('admin');
    const { setAccountFeatureAction } = await import('./(console)/settings/actions');
    db.$client.prepare("update users set status = 'deactivated' where login_name = 'admin'").run();
    try {
      expect(await setAccountFeatureAction({ key: 'messaging', enabled: false, rowVersion: 1 })).toMatchObject({ ok: false, code: 'unauthenticated' });
    } finally {
      db.$client.prepare("update users set status = 'active' where login_name = 'admin'").run();
    }
  });

  it('lets an admin through, with the change and its audit row', async () => {
    signInAs('admin');
    const { setAccountFeatureAction } = await import('./(console)/settings/actions');
    const result = await setAccountFeatureAction({ key: 'messaging', enabled: false, rowVersion: 1 });
    expect(result).toMatchObject({ ok: true, data: { key: 'messaging', enabled: false } });
    const audit = db.$client.prepare("select * from audit_events where entity_id = 'messaging' and source <> 'system'").all();
    expect(audit).toHaveLength(1);
  });

  it('answers bad input with a message naming the field, never a stack trace', async () => {
    signInAs('admin');
    const { setAccountFeatureAction } = await import('./(console)/settings/actions');
    const result = (await setAccountFeatureAction('{"key": ')) as { ok: false; error: string };
    expect(result.ok).toBe(false);
    expect(result.error).not.toMatch(/\bat \w+ \(|node_modules|\.ts:\d+/);
  });
});

describe('crafted requests by an agent manager', () => {
  it('cannot switch on a permission he lacks by calling the save action directly', async () => {
    signInAs('manager');
    const { saveProfileAction } = await import('./(console)/profiles/actions');
    const agent = db.$client.prepare("select * from profiles where name = 'Agent'").get() as { id: number; row_version: number; head_version: number };
    const { permissions } = db.$client
      .prepare('select permissions from profile_versions where profile_id = ? and version = ?')
      .get(agent.id, agent.head_version) as { permissions: string };
    const before = snapshot(db);
    const result = await saveProfileAction({
      id: agent.id,
      rowVersion: agent.row_version,
      name: 'Agent',
      description: '',
      permissions: [...JSON.parse(permissions), 'transfer-messaging-conversations-to-an-agent-in-offline-state'],
      note: '',
      mode: 'apply',
    });
    expect(result).toMatchObject({ ok: false, code: 'forbidden' });
    expect(snapshot(db)).toEqual(before);
  });

  it('cannot give a user outside his subtree a profile, nor an Admin profile to one inside', async () => {
    signInAs('manager');
    const { assignProfileAction } = await import('./(console)/users/actions');
    const id = (login: string) => userByLogin(db, login).id;
    const profile = (name: string) => (db.$client.prepare('select id from profiles where name = ?').get(name) as { id: number }).id;
    const before = snapshot(db);
    expect(await assignProfileAction({ userId: id('sales'), profileId: profile('Agent') })).toMatchObject({ ok: false, code: 'not-found' });
    expect(await assignProfileAction({ userId: id('agent'), profileId: profile('Admin') })).toMatchObject({
      ok: false,
      code: 'forbidden',
      error: /Only holders of the Admin role/,
    });
    expect(snapshot(db)).toEqual(before);
  });
});
