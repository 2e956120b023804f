import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, ne } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { createTestDatabase, principalOf, refusalOf, snapshot } from '@/lib/testing/db';
import { DalError } from './errors';
import { listAccountFeatures, setAccountFeature } from './settings';

let db: DB;
beforeAll(async () => {
  db = await createTestDatabase();
});

const feature = (key: string) => db.select().from(t.accountFeatures).where(eq(t.accountFeatures.key, key)).get()!;
// The verbs' events: the seed's own 'system' event for each feature is not one of them.
const auditFor = (key: string) =>
  db
    .select()
    .from(t.auditEvents)
    .where(and(eq(t.auditEvents.entityType, 'account-feature'), eq(t.auditEvents.entityId, key), ne(t.auditEvents.source, 'system')))
    .all();

describe('setAccountFeature', () => {
  it('allowed: an admin switches a feature, with its audit row, and holders lose what depends on it', () => {
    const admin = principalOf(db, 'admin');
    expect(principalOf(db, 'agent').effective.explain.get('send-files-to-consumers-from-local-file-browser')).toBeDefined();
    const before = feature('file-sharing');
    const row = setAccountFeature({ ctx: admin, input: { key: 'file-sharing', enabled: false, rowVersion: before.rowVersion } });
    expect(row.enabled).toBe(false);
    expect(feature('file-sharing')).toMatchObject({ enabled: false, rowVersion: before.rowVersion + 1 });
    const audit = auditFor('file-sharing');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorName: 'admin', source: 'ui', action: 'disable', before: { enabled: true }, after: { enabled: false } });

    // A user whose profile switches on a file-sharing permission loses it on his next request.
    db.$client
      .prepare(
        "update profile_versions set permissions = json_insert(permissions, '$[#]', 'send-files-to-consumers-from-custom-widgets') where profile_id = (select id from profiles where name = 'Agent')",
      )
      .run();
    expect(principalOf(db, 'agent').effective.explain.get('send-files-to-consumers-from-custom-widgets')).toMatchObject({
      allowed: false,
      missing: [{ kind: 'feature-off', feature: 'file-sharing' }],
    });
    setAccountFeature({ ctx: admin, input: { key: 'file-sharing', enabled: true, rowVersion: before.rowVersion + 1 } });
    expect(principalOf(db, 'agent').effective.explain.get('send-files-to-consumers-from-custom-widgets')?.allowed).toBe(true);
  });

  it('forbidden: an agent manager changes nothing and is told what he lacks', () => {
    const before = snapshot(db);
    const error = refusalOf(() => setAccountFeature({ ctx: principalOf(db, 'manager'), input: { key: 'messaging', enabled: false, rowVersion: 1 } }));
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(/Manage users and roles/);
    expect(snapshot(db)).toEqual(before);
    expect(() => listAccountFeatures({ ctx: principalOf(db, 'agent') })).toThrow(DalError);
  });

  it('precondition: a stale version is a conflict and changes nothing', () => {
    const current = feature('messaging');
    const before = snapshot(db);
    const error = refusalOf(() =>
      setAccountFeature({ ctx: principalOf(db, 'admin'), input: { key: 'messaging', enabled: false, rowVersion: current.rowVersion - 1 } }),
    );
    expect(error.code).toBe('stale');
    expect(error.message).toMatch(/reload/);
    expect(snapshot(db)).toEqual(before);
  });

  it.each([
    [{ key: 'teleportation', enabled: true, rowVersion: 1 }, 'not-found', 'key'],
    [{ key: 'messaging', enabled: 'yes', rowVersion: 1 }, 'invalid', 'enabled'],
    [{ key: 'messaging', enabled: true }, 'invalid', 'rowVersion'],
    [{ key: 'messaging', enabled: true, rowVersion: 1, extra: 1 }, 'invalid', 'form'],
    [{ key: 'x'.repeat(10_001), enabled: true, rowVersion: 1 }, 'invalid', 'key'],
  ])('bad input %# is refused naming the field and changes nothing', (input, code, field) => {
    const before = snapshot(db);
    const error = refusalOf(() => setAccountFeature({ ctx: principalOf(db, 'admin'), input }));
    expect(error.code).toBe(code);
    expect(Object.keys(error.fieldErrors ?? {})).toContain(field);
    expect(snapshot(db)).toEqual(before);
  });

  it('a failing audit write rolls the change back', () => {
    const current = feature('secure-forms');
    db.$client.exec("create trigger fail_audit before insert on audit_events begin select raise(abort, 'audit unavailable'); end");
    try {
      expect(() =>
        setAccountFeature({ ctx: principalOf(db, 'admin'), input: { key: 'secure-forms', enabled: !current.enabled, rowVersion: current.rowVersion } }),
      ).toThrow(/audit unavailable/);
    } finally {
      db.$client.exec('drop trigger fail_audit');
    }
    expect(feature('secure-forms')).toEqual(current);
  });
});
