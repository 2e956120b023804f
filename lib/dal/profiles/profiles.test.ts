import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { createTestDatabase, principalOf, refusalOf, snapshot, userByLogin } from '@/lib/testing/db';
import { readEffectiveInput } from '../principal';
import { effectivePermissions } from '@/lib/permissions/effective';
import {
  applyProfileToAll,
  compareProfiles,
  createProfile,
  deleteProfile,
  duplicateProfile,
  getProfile,
  listProfiles,
  previewProfileChange,
  profileVersionDiff,
  rollbackProfile,
  saveProfile,
} from '.';

let db: DB;
beforeAll(async () => {
  db = await createTestDatabase();
});

const ACM = 'conversation-builder-api-credentials-manager';
const LITE = 'conversation-builder-bot-builder-lite';
const JOIN = 'join-agents-conversations-in-group';
const OFFLINE = 'transfer-messaging-conversations-to-an-agent-in-offline-state';

const profileId = (name: string) => db.select().from(t.profiles).where(eq(t.profiles.name, name)).get()!.id;
const auditOf = (id: number) =>
  db
    .select()
    .from(t.auditEvents)
    .where(eq(t.auditEvents.entityId, String(id)))
    .all()
    .filter((e) => e.entityType === 'profile');
const userHas = (loginName: string, key: string) => {
  const user = userByLogin(db, loginName);
  return effectivePermissions(principalOf(db, 'admin').catalog, readEffectiveInput(user.id)).explain.get(key)?.allowed ?? false;
};
/** Give a user a profile directly, as the seed does (assignment verbs are tested on their own). */
function assign(loginName: string, name: string) {
  const p = db.select().from(t.profiles).where(eq(t.profiles.name, name)).get()!;
  const user = userByLogin(db, loginName);
  db.delete(t.userProfiles).where(eq(t.userProfiles.userId, user.id)).run();
  db.insert(t.userProfiles).values({ userId: user.id, profileId: p.id, roleKey: p.roleKey, version: p.headVersion }).run();
}

describe('createProfile', () => {
  it('allowed: an admin adds a profile at version 1 with its audit row', () => {
    const admin = principalOf(db, 'admin');
    const draft = getProfile({ ctx: admin, input: { id: profileId('Agent') } });
    const { id } = createProfile({ ctx: admin, input: { roleKey: 'agent', name: 'Senior Agent', permissions: [...draft.permissions, JOIN] } });
    const detail = getProfile({ ctx: admin, input: { id } });
    expect(detail).toMatchObject({ name: 'Senior Agent', roleKey: 'agent', headVersion: 1, holders: 0 });
    expect(detail.permissions).toContain(JOIN);
    expect(auditOf(id)).toMatchObject([{ action: 'create', actorName: 'admin', after: { name: 'Senior Agent', version: 1 } }]);
  });

  it('forbidden: an agent is refused; an agent manager cannot add an Admin profile', () => {
    const before = snapshot(db);
    expect(refusalOf(() => createProfile({ ctx: principalOf(db, 'agent'), input: { roleKey: 'agent', name: 'X', permissions: [] } })).code).toBe('forbidden');
    expect(refusalOf(() => createProfile({ ctx: principalOf(db, 'manager'), input: { roleKey: 'admin', name: 'X', permissions: [] } })).code).toBe('forbidden');
    expect(snapshot(db)).toEqual(before);
  });

  it('forbidden: an agent manager cannot switch on a permission he lacks, but may keep the role defaults', () => {
    const manager = principalOf(db, 'manager');
    const defaults = getProfile({ ctx: manager, input: { id: profileId('Agent') } }).defaults;
    const before = snapshot(db);
    const error = refusalOf(() => createProfile({ ctx: manager, input: { roleKey: 'agent', name: 'Escalated', permissions: [...defaults, OFFLINE] } }));
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(/Transfer messaging conversations to an agent in "offline" state.*yourself/);
    expect(snapshot(db)).toEqual(before);
    expect(createProfile({ ctx: manager, input: { roleKey: 'agent', name: 'Manager-made agent', permissions: defaults } }).id).toBeGreaterThan(0);
  });

  it.each([
    [{ roleKey: 'agent', name: '', permissions: [] }, 'name', /Name is required/],
    [{ roleKey: 'agent', name: 'x'.repeat(201), permissions: [] }, 'name', /at most 200/],
    [{ roleKey: 'agent', name: 'senior agent', permissions: [] }, 'name', /already exists/],
    [{ roleKey: 'agent', name: 'Y', permissions: ['no-such-permission'] }, 'permissions', /not a permission of the Agent role/],
    [{ roleKey: 'agent', name: 'Y', permissions: ['view-own-performance'] }, 'permissions', /core permission/],
    [{ roleKey: 'agent-manager', name: 'Y', permissions: [ACM, LITE] }, 'permissions', /requires "Conversation Builder: API Developer"/],
    [{ roleKey: 'nope', name: 'Y', permissions: [] }, 'roleKey', /no role/],
  ])('precondition %#: refused naming %s, nothing changed', (input, field, message) => {
    const before = snapshot(db);
    const error = refusalOf(() => createProfile({ ctx: principalOf(db, 'admin'), input }));
    // A name someone else has is a conflict (409); anything else wrong with the input is invalid (400).
    expect(error.code).toBe(/already exists/.test(message.source) ? 'conflict' : 'invalid');
    expect(error.message).toMatch(message);
    expect(Object.keys(error.fieldErrors ?? {})).toContain(field);
    expect(snapshot(db)).toEqual(before);
  });
});

describe('saveProfile: versions, apply, new users only', () => {
  it('"Save and apply" moves every holder to the new version in a constant number of writes', () => {
    const admin = principalOf(db, 'admin');
    const id = profileId('Senior Agent');
    assign('chloe.nguyen', 'Senior Agent');
    assign('dev.nguyen', 'Senior Agent');
    const detail = getProfile({ ctx: admin, input: { id } });
    expect(userHas('chloe.nguyen', OFFLINE)).toBe(false);

    const impact = previewProfileChange({ ctx: admin, input: { id, permissions: [...detail.permissions, OFFLINE], mode: 'apply' } });
    expect(impact).toMatchObject({ affectedUsers: 2, holders: 2, gains: ['Transfer messaging conversations to an agent in "offline" state'], losses: [] });

    const holdersBefore = snapshot(db).user_profiles;
    // Rows the save adds, changes or removes in Switchboard's tables. The search indexes' own shadow
    // tables are left out: FTS5 merges its segments every so many inserts, whatever the verb.
    const searchIndexes = (db.$client.prepare("select name from sqlite_master where name like '%\\_fts%' escape '\\'").all() as { name: string }[]).map(
      (r) => r.name,
    );
    const rows = () => Object.values(snapshot(db, searchIndexes)).flatMap((table, i) => table.map((row) => `${i}:${JSON.stringify(row)}`));
    const writes = (permissions: string[], rowVersion: number) => {
      const before = new Set(rows());
      saveProfile({ ctx: admin, input: { id, rowVersion, name: detail.name, description: '', permissions, note: 'more transfers', mode: 'apply' } });
      const after = new Set(rows());
      return [...after].filter((r) => !before.has(r)).length + [...before].filter((r) => !after.has(r)).length;
    };
    const count = (table: string) => (db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    const [versions, events] = [count('profile_versions'), count('audit_events')];
    const withTwo = writes([...detail.permissions, OFFLINE], detail.rowVersion);
    // One version row, one profile row, one audit event; holders are not rewritten one by one.
    expect([count('profile_versions') - versions, count('audit_events') - events]).toEqual([1, 1]);
    expect(snapshot(db).user_profiles).toEqual(holdersBefore);

    // Every agent a holder, tried inside a savepoint that is rolled back: the same number of writes.
    db.$client.exec('savepoint more_holders');
    try {
      db.$client.prepare("update user_profiles set profile_id = ?, version = 1 where role_key = 'agent'").run(id);
      const current = getProfile({ ctx: admin, input: { id } });
      expect(current.holders).toBeGreaterThan(30);
      expect(writes(detail.permissions, current.rowVersion)).toBe(withTwo);
    } finally {
      db.$client.exec('rollback to more_holders; release more_holders');
    }

    expect(userHas('chloe.nguyen', OFFLINE)).toBe(true);
    expect(userHas('dev.nguyen', OFFLINE)).toBe(true);
    expect(auditOf(id).at(-1)).toMatchObject({ action: 'save-and-apply', before: { version: 1 }, after: { version: 2, mode: 'apply' } });
  });

  it('"Save for new users only" leaves holders on their version; a later assignment gets the new one', () => {
    const admin = principalOf(db, 'admin');
    const id = profileId('Senior Agent');
    const detail = getProfile({ ctx: admin, input: { id } });
    const next = detail.permissions.filter((k) => k !== OFFLINE);
    expect(previewProfileChange({ ctx: admin, input: { id, permissions: next, mode: 'new-users' } })).toMatchObject({ affectedUsers: 0, holders: 2 });
    saveProfile({
      ctx: admin,
      input: { id, rowVersion: detail.rowVersion, name: detail.name, description: '', permissions: next, note: '', mode: 'new-users' },
    });
    expect(userHas('chloe.nguyen', OFFLINE)).toBe(true);
    assign('elena.nguyen', 'Senior Agent');
    expect(userHas('elena.nguyen', OFFLINE)).toBe(false);

    const versions = getProfile({ ctx: admin, input: { id } }).versions;
    expect(versions.map((v) => [v.version, v.holders])).toEqual([
      [3, 1],
      [2, 2],
      [1, 0],
    ]);
    expect(profileVersionDiff({ ctx: admin, input: { id, from: 2, to: 3 } })).toMatchObject({
      added: [],
      removed: ['Transfer messaging conversations to an agent in "offline" state'],
    });
  });

  it('"Apply to all holders" brings everyone to the current version', () => {
    const admin = principalOf(db, 'admin');
    const id = profileId('Senior Agent');
    applyProfileToAll({ ctx: admin, input: { id, rowVersion: getProfile({ ctx: admin, input: { id } }).rowVersion } });
    expect(userHas('chloe.nguyen', OFFLINE)).toBe(false);
    expect(getProfile({ ctx: admin, input: { id } }).versions[0]).toMatchObject({ version: 3, holders: 3 });
  });

  it('"Roll back to version N" makes a new version equal to N', () => {
    const admin = principalOf(db, 'admin');
    const id = profileId('Senior Agent');
    const { version } = rollbackProfile({ ctx: admin, input: { id, rowVersion: getProfile({ ctx: admin, input: { id } }).rowVersion, version: 2 } });
    expect(version).toBe(4);
    const detail = getProfile({ ctx: admin, input: { id } });
    expect(detail.permissions).toContain(OFFLINE);
    expect(userHas('elena.nguyen', OFFLINE)).toBe(true);
    expect(auditOf(id).at(-1)).toMatchObject({ action: 'roll-back', after: { version: 4 } });
  });

  it('precondition: a stale version is a conflict naming who saved, and nothing is lost', () => {
    const admin = principalOf(db, 'admin');
    const id = profileId('Senior Agent');
    const opened = getProfile({ ctx: admin, input: { id } });
    saveProfile({
      ctx: admin,
      input: { id, rowVersion: opened.rowVersion, name: opened.name, description: 'first', permissions: opened.permissions, note: '', mode: 'apply' },
    });
    const before = snapshot(db);
    const error = refusalOf(() =>
      saveProfile({
        ctx: admin,
        input: { id, rowVersion: opened.rowVersion, name: opened.name, description: 'second', permissions: opened.permissions, note: '', mode: 'apply' },
      }),
    );
    expect(error.code).toBe('stale');
    expect(error.message).toMatch(/Avery Admin changed this profile.*Reload/);
    expect(snapshot(db)).toEqual(before);
    expect(getProfile({ ctx: admin, input: { id } }).description).toBe('first');
  });

  it('forbidden: an agent manager cannot switch on a permission he lacks in an existing profile', () => {
    const manager = principalOf(db, 'manager');
    const id = profileId('Agent');
    const detail = getProfile({ ctx: manager, input: { id } });
    expect(detail.rolePermissions.find((p) => p.key === OFFLINE)?.grantRefusal).toMatch(/yourself/);
    expect(detail.rolePermissions.find((p) => p.key === JOIN)?.grantRefusal).toBeNull(); // he holds it
    const before = snapshot(db);
    const error = refusalOf(() =>
      saveProfile({
        ctx: manager,
        input: { id, rowVersion: detail.rowVersion, name: 'Agent', description: '', permissions: [...detail.permissions, OFFLINE], note: '', mode: 'apply' },
      }),
    );
    expect(error.code).toBe('forbidden');
    expect(snapshot(db)).toEqual(before);
  });

  it('forbidden: an Admin profile does not exist for an agent manager', () => {
    const error = refusalOf(() => getProfile({ ctx: principalOf(db, 'manager'), input: { id: profileId('Admin') } }));
    expect(error.code).toBe('not-found');
    expect(listProfiles({ ctx: principalOf(db, 'manager'), input: {} }).every((p) => ['agent', 'agent-manager'].includes(p.roleKey))).toBe(true);
    expect(refusalOf(() => listProfiles({ ctx: principalOf(db, 'agent'), input: {} })).code).toBe('forbidden');
  });

  it('precondition: nobody may be left able to manage profiles; the preview warns and the save is refused', () => {
    const admin = principalOf(db, 'admin');
    const id = profileId('Admin');
    const detail = getProfile({ ctx: admin, input: { id } });
    const without = detail.permissions.filter((k) => k !== 'manage-profiles');
    const impact = previewProfileChange({ ctx: admin, input: { id, permissions: without, mode: 'apply' } });
    expect(impact.warnings.join(' ')).toMatch(/takes away your own "Manage profiles"/);
    expect(impact.warnings.join(' ')).toMatch(/No active user would hold "Manage profiles" any more/);
    const before = snapshot(db);
    const error = refusalOf(() =>
      saveProfile({ ctx: admin, input: { id, rowVersion: detail.rowVersion, name: 'Admin', description: '', permissions: without, note: '', mode: 'apply' } }),
    );
    expect(error.code).toBe('invalid');
    expect(snapshot(db)).toEqual(before);
  });
});

describe('saves that change nothing, and what Apply to all records', () => {
  it('a save that changes nothing makes no version and no audit event; Apply to all records what changed, not every permission', () => {
    const admin = principalOf(db, 'admin');
    const { id } = createProfile({ ctx: admin, input: { roleKey: 'agent', name: 'Unchanged agent', permissions: [JOIN] } });
    const p = getProfile({ ctx: admin, input: { id } });
    const events = auditOf(id).length;
    const same = saveProfile({ ctx: admin, input: { id, rowVersion: p.rowVersion, name: p.name, permissions: p.permissions, mode: 'new-users' } });
    expect(same.version).toBe(p.headVersion);
    expect(getProfile({ ctx: admin, input: { id } }).versions).toHaveLength(p.versions.length);
    expect(auditOf(id)).toHaveLength(events);

    assign('sales', 'Unchanged agent');
    const v2 = saveProfile({ ctx: admin, input: { id, rowVersion: p.rowVersion, name: p.name, permissions: [JOIN, OFFLINE], mode: 'new-users' } });
    const now = getProfile({ ctx: admin, input: { id } });
    applyProfileToAll({ ctx: admin, input: { id, rowVersion: now.rowVersion } });
    const apply = auditOf(id).at(-1)!;
    expect(apply.action).toBe('apply-to-all');
    expect((apply.before as { permissions: string[] }).permissions).toEqual([JOIN]);
    expect((apply.after as { permissions: string[] }).permissions.sort()).toEqual([JOIN, OFFLINE].sort());
    expect(v2.version).toBe(p.headVersion + 1);
  });
});

describe('duplicate, compare, delete', () => {
  it('duplicates a profile and compares them, differences first', () => {
    const admin = principalOf(db, 'admin');
    const { id } = duplicateProfile({ ctx: admin, input: { id: profileId('Senior Agent'), name: 'Senior Agent copy' } });
    const copy = getProfile({ ctx: admin, input: { id } });
    expect(copy.permissions).toEqual(getProfile({ ctx: admin, input: { id: profileId('Senior Agent') } }).permissions);
    const comparison = compareProfiles({ ctx: admin, input: { a: profileId('Agent'), b: id } });
    expect(comparison.differences).toBeGreaterThan(0);
    const firstSame = comparison.rows.findIndex((r) => r.a === r.b);
    expect(comparison.rows.slice(0, firstSame).every((r) => r.a !== r.b)).toBe(true);
    expect(comparison.rows.slice(firstSame).every((r) => r.a === r.b)).toBe(true);
  });

  it('refuses to delete a held profile, naming who holds it, or a default profile; deletes an unused one', () => {
    const admin = principalOf(db, 'admin');
    const held = getProfile({ ctx: admin, input: { id: profileId('Senior Agent') } });
    const before = snapshot(db);
    expect(refusalOf(() => deleteProfile({ ctx: admin, input: { id: held.id, rowVersion: held.rowVersion } })).message).toMatch(
      /still held by 3 user\(s\): chloe.nguyen, dev.nguyen, elena.nguyen/,
    );
    const agent = getProfile({ ctx: admin, input: { id: profileId('Agent') } });
    expect(refusalOf(() => deleteProfile({ ctx: admin, input: { id: agent.id, rowVersion: agent.rowVersion } })).message).toMatch(/default profile/);
    expect(snapshot(db)).toEqual(before);

    const copy = getProfile({ ctx: admin, input: { id: profileId('Senior Agent copy') } });
    deleteProfile({ ctx: admin, input: { id: copy.id, rowVersion: copy.rowVersion } });
    expect(db.select().from(t.profiles).where(eq(t.profiles.id, copy.id)).get()).toBeUndefined();
    expect(auditOf(copy.id).at(-1)).toMatchObject({ action: 'delete', before: { name: 'Senior Agent copy' } });
  });

  it('forbidden: an agent manager cannot delete what he cannot see', () => {
    const admin = principalOf(db, 'admin');
    const id = createProfile({ ctx: admin, input: { roleKey: 'campaign-manager', name: 'Campaigns lite', permissions: [] } }).id;
    expect(refusalOf(() => deleteProfile({ ctx: principalOf(db, 'manager'), input: { id, rowVersion: 1 } })).code).toBe('not-found');
  });
});
