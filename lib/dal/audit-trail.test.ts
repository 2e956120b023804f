import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { appendAuditEvent } from '@/db/audit-chain';
import { createTestDatabase, principalOf, refusalOf, snapshot, userByLogin, createPseudonymAuditor } from '@/lib/testing/db';
import type { Principal } from './principal';
import { authenticateApiKey, createApiKey } from './api-keys';
import { auditFilterOptions, exportAuditCsv, listAuditEvents, listDeniedAttempts, SHORT_SEARCH_WINDOW } from './audit-trail';
import { effectivePermissionsAsOf } from './as-of';
import { setAccountFeature } from './settings';
import { addOverride } from './users';
import { createGroup } from './groups-skills';

let db: DB;
const JOIN = 'join-agents-conversations-in-group';
const auditor = () => principalOf(db, 'auditor');

beforeAll(async () => {
  db = await createTestDatabase();
  const admin = principalOf(db, 'admin');
  addOverride({ ctx: admin, input: { userId: userByLogin(db, 'sales').id, permissionKey: JOIN, effect: 'grant', reason: 'zq early pilot' } });
  // A large log: bulk events through the same append as every verb, so ids run past the short-search window.
  db.transaction(
    (tx) => {
      for (let i = 0; i < SHORT_SEARCH_WINDOW + 1000; i++) {
        appendAuditEvent(tx, {
          actorId: null,
          actorName: 'system',
          onBehalfOf: null,
          source: 'system',
          entityType: 'group',
          entityId: String(1000 + (i % 50)),
          entityName: `Bulk group ${i % 50}`,
          action: i % 2 ? 'update' : 'rename',
          before: { name: `g${i}` },
          after: { name: `g${i + 1}` },
        });
      }
    },
    { behavior: 'immediate' },
  );
  const messaging = db.select().from(t.accountFeatures).where(eq(t.accountFeatures.key, 'messaging')).get()!;
  setAccountFeature({ ctx: admin, input: { key: 'messaging', enabled: false, rowVersion: messaging.rowVersion } });
  // A program: the admin's key "Zapier" acts for him; another key acts for the manager.
  const zapier = createApiKey({ ctx: admin, input: { name: 'Zapier', userId: admin.userId, permissions: ['manage-users-and-roles'], expiresAt: null } });
  createApiKey({ ctx: admin, input: { name: 'CRM sync', userId: userByLogin(db, 'manager').id, permissions: ['manage-agent-groups'], expiresAt: null } });
  const api = authenticateApiKey(zapier.token).principal;
  addOverride({ ctx: api, input: { userId: userByLogin(db, 'agent').id, permissionKey: JOIN, effect: 'revoke', reason: 'zq api revoke' } });
  createGroup({ ctx: principalOf(db, 'manager'), input: { name: 'Night owls', parentId: userByLogin(db, 'manager').groupId } });
  // An administrator who sees pseudonyms.
  await createPseudonymAuditor(db);
  createGroup({ ctx: auditor(), input: { name: 'Auditor corner', parentId: null } });
});

interface Raw {
  id: number;
  at: number;
  actorId: number | null;
  actorName: string;
  onBehalfOf: string | null;
  entityType: string;
  entityName: string;
  action: string;
  before: string | null;
  after: string | null;
}
/** The whole log, newest first, read straight from the table: the oracle the filters are checked against. */
const log = () =>
  db.$client
    .prepare(
      `select id, at, actor_id as actorId, actor_name as actorName, on_behalf_of as onBehalfOf, entity_type as entityType,
              entity_name as entityName, action, before, after from audit_events order by id desc`,
    )
    .all() as Raw[];
const contains = (r: Raw, text: string) =>
  [r.actorName, r.onBehalfOf, r.entityType, r.entityName, r.action, r.before, r.after].some((v) => v?.toLowerCase().includes(text.toLowerCase()));

/** Every page of a filtered trail, following the cursors. */
function allPages(ctx: Principal, input: Record<string, unknown>) {
  const ids: number[] = [];
  let before: number | undefined;
  let requests = 0;
  for (;;) {
    const page = listAuditEvents({ ctx, input: { ...input, before } });
    requests++;
    ids.push(...page.rows.map((r) => r.id));
    if (page.next === null) return { ids, requests };
    expect(page.next).toBeLessThan(before ?? Infinity);
    before = page.next;
  }
}

describe('the audit trail: filters and keyset pages', () => {
  it('newest first, and every page returns each event exactly once', () => {
    const admin = principalOf(db, 'admin');
    const { ids } = allPages(admin, { pageSize: 200 });
    expect(ids).toEqual(log().map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each([
    ['actor (login name)', () => ({ actor: 'manager' }), (r: Raw) => r.actorId === userByLogin(db, 'manager').id],
    // Thousands of events (the seed's and the bulk ones): pages of 200, not 5.
    ['actor "system"', () => ({ actor: 'system', pageSize: 200 }), (r: Raw) => r.actorId === null],
    ['entity type', () => ({ entityType: 'account-feature' }), (r: Raw) => r.entityType === 'account-feature'],
    ['action', () => ({ action: 'revoke-permission' }), (r: Raw) => r.action === 'revoke-permission'],
    ['free text, indexed', () => ({ q: 'Night owls' }), (r: Raw) => contains(r, 'Night owls')],
    ['free text, short', () => ({ q: 'zq' }), (r: Raw) => contains(r, 'zq')],
    [
      'several at once',
      () => ({ actor: 'admin', entityType: 'user', q: 'pilot' }),
      (r: Raw) => r.actorId === userByLogin(db, 'admin').id && r.entityType === 'user' && contains(r, 'pilot'),
    ],
  ])('filter: %s narrows to exactly the matching events, over every page', (_, input, match) => {
    const expected = log()
      .filter(match)
      .map((r) => r.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(log().length);
    const { ids } = allPages(principalOf(db, 'admin'), { pageSize: 5, ...input() });
    expect(ids).toEqual(expected);
  });

  it('filter: a date range, both ends inclusive, dates alone meaning whole UTC days', () => {
    const rows = log();
    const middle = rows[Math.floor(rows.length / 2)]!;
    const iso = (ms: number) => new Date(ms).toISOString();
    const admin = principalOf(db, 'admin');
    expect(allPages(admin, { from: iso(middle.at), pageSize: 200 }).ids).toEqual(rows.filter((r) => r.at >= middle.at).map((r) => r.id));
    expect(allPages(admin, { to: iso(middle.at), pageSize: 200 }).ids).toEqual(rows.filter((r) => r.at <= middle.at).map((r) => r.id));
    const day = iso(middle.at).slice(0, 10);
    const start = Date.parse(`${day}T00:00:00Z`);
    expect(allPages(admin, { from: day, to: day, pageSize: 200 }).ids).toEqual(rows.filter((r) => r.at >= start && r.at < start + 86_400_000).map((r) => r.id));
    expect(listAuditEvents({ ctx: admin, input: { from: '2001-01-01', to: '2001-01-31' } })).toEqual({ rows: [], next: null, partial: false });
  });

  it('filter: a date range with other filters and a short search, which starts its window at the end of the range', () => {
    const rows = log();
    const admin = principalOf(db, 'admin');
    const iso = (ms: number) => new Date(ms).toISOString();
    const pilot = rows.find((r) => contains(r, 'zq early pilot'))!;
    const oracle = (match: (r: Raw) => boolean) => {
      const ids = rows.filter(match).map((r) => r.id);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.length).toBeLessThan(rows.length);
      return ids;
    };
    const early = allPages(admin, { to: iso(pilot.at), q: 'zq' });
    expect(early.ids).toEqual(oracle((r) => r.at <= pilot.at && contains(r, 'zq')));
    expect(early.ids).toContain(pilot.id);
    expect(early.requests).toBe(1); // the range ends below the newest events: one window reaches its start
    const revoke = rows.find((r) => r.action === 'revoke-permission')!;
    expect(allPages(admin, { from: iso(revoke.at), q: 'zq' }).ids).toEqual(oracle((r) => r.at >= revoke.at && contains(r, 'zq')));
    expect(allPages(admin, { from: iso(revoke.at), entityType: 'group', pageSize: 5 }).ids).toEqual(
      oracle((r) => r.at >= revoke.at && r.entityType === 'group'),
    );
    expect(allPages(admin, { to: iso(pilot.at), entityType: 'profile', q: 'Admin', pageSize: 5 }).ids).toEqual(
      oracle((r) => r.at <= pilot.at && r.entityType === 'profile' && contains(r, 'Admin')),
    );
  });

  it('a short search looks at a bounded window of events per request, and the next request goes on from there', () => {
    const admin = principalOf(db, 'admin');
    const first = listAuditEvents({ ctx: admin, input: { q: 'zq' } });
    const top = log()[0]!.id;
    expect(first).toMatchObject({ partial: true, next: top + 1 - SHORT_SEARCH_WINDOW });
    expect(first.rows.map((r) => r.action)).toEqual(['revoke-permission']);
    const { ids, requests } = allPages(admin, { q: 'zq' });
    expect(ids).toHaveLength(2);
    expect(requests).toBe(Math.ceil(top / SHORT_SEARCH_WINDOW));
  });

  it('free text of three characters or more also finds permissions by their catalog name', () => {
    const admin = principalOf(db, 'admin');
    const name = admin.catalog.permissionByKey.get(JOIN)!.name; // "Join agents' conversations in group"
    const rows = allPages(admin, { q: name.slice(0, 11), pageSize: 200 }).ids;
    const expected = log()
      .filter((r) => contains(r, name.slice(0, 11)) || contains(r, JOIN))
      .map((r) => r.id);
    expect(rows).toEqual(expected);
    expect(log().filter((r) => rows.includes(r.id) && r.action === 'grant-permission')).toHaveLength(1);
  });

  it('shows who acted, from where, and a readable diff: a program as its key on behalf of its user', () => {
    const rows = listAuditEvents({ ctx: principalOf(db, 'admin'), input: { q: 'zq api', pageSize: 5 } }).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      who: 'API key "Zapier" on behalf of admin',
      source: 'api',
      entityType: 'user',
      entityName: 'agent',
      action: 'revoke-permission',
    });
    expect(rows[0]!.changes).toContainEqual({ field: 'Permission', to: principalOf(db, 'admin').catalog.permissionByKey.get(JOIN)!.name });
    const feature = listAuditEvents({ ctx: principalOf(db, 'admin'), input: { entityType: 'account-feature', action: 'disable' } }).rows;
    expect(feature.map((r) => [r.who, r.source, r.changes])).toEqual([['admin', 'ui', [{ field: 'Enabled', from: 'Yes', to: 'No' }]]]);
  });

  it('offers the entity types and actions the log holds', () => {
    const options = auditFilterOptions({ ctx: principalOf(db, 'admin') });
    const rows = log();
    expect(options.entityTypes).toEqual([...new Set(rows.map((r) => r.entityType))].sort());
    expect(options.actions).toEqual([...new Set(rows.map((r) => r.action))].sort());
    expect(options.pseudonyms).toBe(false);
  });

  it.each([
    [{ from: 'yesterday' }, 'from', /From must be a date/],
    [{ from: '2024-02-30' }, 'from', /not a real date/],
    [{ from: '2024-05-02', to: '2024-05-01' }, 'to', /To must not be before From/],
    [{ before: 'x' }, 'before', /Page cursor must be a number/],
    [{ pageSize: 1000 }, 'pageSize', /at most 200/],
    [{ actor: 'nobody-here' }, 'actor', /no user with the login name "nobody-here"/],
    [{ q: 'a'.repeat(201) }, 'q', /Search is too long/],
  ])('bad filters %# name the field (%s)', (input, field, message) => {
    const error = refusalOf(() => listAuditEvents({ ctx: principalOf(db, 'admin'), input }));
    expect(error.code).toBe('invalid');
    expect(error.message).toMatch(message);
    expect(Object.keys(error.fieldErrors ?? {})).toEqual([field]);
  });
});

describe('who may read it', () => {
  it.each(['agent', 'manager'])('%s is refused the trail, the export, the filters, "as of" and the security log; only the security log records it', (login) => {
    const ctx = principalOf(db, login);
    // The search indexes' shadow tables follow audit_events and users by trigger: comparing those is enough (and quick).
    const derived = db.$client.prepare("select name from sqlite_master where type = 'table' and name like '%\\_fts%' escape '\\'").pluck().all() as string[];
    expect(derived).toContain('audit_events_fts_data');
    const except = ['denied_attempts', 'login_throttle', ...derived];
    const before = snapshot(db, except);
    const denied = db.select().from(t.deniedAttempts).all().length;
    const refusals = [
      () => listAuditEvents({ ctx, input: {} }),
      () => exportAuditCsv({ ctx, input: {} }),
      () => auditFilterOptions({ ctx }),
      () => effectivePermissionsAsOf({ ctx, input: { user: 'agent', at: new Date().toISOString() } }),
      () => listDeniedAttempts({ ctx, input: {} }),
    ].map(refusalOf);
    expect(refusals.map((e) => e.code)).toEqual(Array(5).fill('forbidden'));
    expect(refusals[0]!.message).toMatch(/View and export audit trail/);
    expect(snapshot(db, except)).toEqual(before);
    expect(db.select().from(t.deniedAttempts).all().length).toBeGreaterThan(denied);
  });

  it('the security log is keyset-paged: every refused attempt exactly once', () => {
    const admin = principalOf(db, 'admin');
    const expected = db.$client.prepare('select id from denied_attempts order by id desc').all() as { id: number }[];
    expect(expected.length).toBeGreaterThan(5);
    const ids: number[] = [];
    let before: number | undefined;
    do {
      const page = listDeniedAttempts({ ctx: admin, input: { before, pageSize: 5 } });
      ids.push(...page.rows.map((r) => r.id));
      before = page.next ?? undefined;
    } while (before);
    expect(ids).toEqual(expected.map((r) => r.id));
  });
});

describe('export', () => {
  const csvOf = async (ctx: Principal, input: Record<string, unknown>) => {
    const reader = exportAuditCsv({ ctx, input }).getReader();
    let text = '';
    let chunks = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      text += new TextDecoder().decode(r.value);
      chunks++;
    }
    return { text, chunks, rows: parse(text, { columns: true }) as Record<string, string>[] };
  };

  it('streams the filtered log as CSV, page by page, with a readable diff and the raw values', async () => {
    const { text, chunks, rows } = await csvOf(principalOf(db, 'admin'), {});
    expect(text.split('\n')[0]).toBe('Event,When (UTC),Who,Source,Entity type,Entity,Action,Changes,Before (JSON),After (JSON)');
    expect(rows.map((r) => Number(r.Event))).toEqual(log().map((r) => r.id));
    expect(chunks).toBeGreaterThan(log().length / 500); // a header, then one chunk per page: never the whole log at once
    const revoke = rows.find((r) => r.Action === 'revoke-permission')!;
    expect(revoke).toMatchObject({ Who: 'API key "Zapier" on behalf of admin', Source: 'API', 'Entity type': 'user', Entity: 'agent' });
    expect(revoke.Changes).toContain(`Permission: ${principalOf(db, 'admin').catalog.permissionByKey.get(JOIN)!.name}`);
    expect(JSON.parse(revoke['After (JSON)']!)).toMatchObject({ permission: JOIN, effect: 'revoke', reason: 'zq api revoke' });
    const raw = log().find((r) => r.action === 'revoke-permission')!;
    expect(revoke['When (UTC)']).toBe(new Date(raw.at).toISOString());
  });

  it('applies the filters, and refuses bad ones before the first byte', async () => {
    const { rows } = await csvOf(principalOf(db, 'admin'), { entityType: 'user', q: 'pilot' });
    expect(rows.map((r) => Number(r.Event))).toEqual(
      log()
        .filter((r) => r.entityType === 'user' && contains(r, 'pilot'))
        .map((r) => r.id),
    );
    expect(Object.keys(refusalOf(() => exportAuditCsv({ ctx: principalOf(db, 'admin'), input: { to: 'soon' } })).fieldErrors ?? {})).toEqual(['to']);
    const short = await csvOf(principalOf(db, 'admin'), { q: 'zq' });
    expect(short.rows).toHaveLength(2); // a short search goes through every window
  });
});

describe('anonymization: a reader without "Access to user performance data"', () => {
  it('sees pseudonyms for people, "you" for himself, and no user ids', () => {
    const rows = listAuditEvents({ ctx: auditor(), input: { pageSize: 200 } }).rows;
    const text = JSON.stringify(rows);
    for (const hidden of ['Avery Admin', 'admin@example.com', 'Morgan Manager', 'Sam Sales']) expect(text).not.toContain(hidden);
    const revoke = rows.find((r) => r.action === 'revoke-permission')!;
    expect(revoke.who).toMatch(/^API key "Zapier" on behalf of User [0-9A-F]{8}$/);
    expect(revoke.entityName).toMatch(/^User [0-9A-F]{8}$/);
    expect(revoke.entityId).toBe(revoke.entityName);
    expect(rows.find((r) => r.entityName === 'Auditor corner')!.who).toBe('you');
    // A key's event names its user as he is shown elsewhere: the manager's pseudonym, not his login.
    const managerAlias = rows.find((r) => r.entityName === 'Night owls')!.who;
    const crm = rows.find((r) => r.entityType === 'api-key' && r.entityName === 'CRM sync')!;
    expect(crm.after).toMatchObject({ user: managerAlias });
    expect(crm.changes).toContainEqual({ field: 'User', to: managerAlias });
    const crmForAdmin = listAuditEvents({ ctx: principalOf(db, 'admin'), input: { entityType: 'api-key', q: 'CRM sync' } }).rows;
    expect(crmForAdmin.map((r) => r.after)).toEqual([expect.objectContaining({ user: 'manager' })]);
    expect(auditFilterOptions({ ctx: auditor() }).pseudonyms).toBe(true);
  });

  it('free text cannot find events by a person\u2019s name, login or email, only by what he is shown', () => {
    // Every event as he is shown it: the only text his search may match.
    const shown = new Map<number, string>();
    for (let before: number | undefined, page; (page = listAuditEvents({ ctx: auditor(), input: { pageSize: 200, before } })); before = page.next!) {
      for (const r of page.rows) shown.set(r.id, JSON.stringify([r.entityType, r.entityName, r.action, r.before, r.after]).toLowerCase());
      if (page.next === null) break;
    }
    const showing = (q: string) => [...shown].filter(([, text]) => text.includes(q.toLowerCase())).map(([id]) => id);
    for (const q of ['Avery Admin', 'admin@example.com', 'Sam Sales', 'Ada', '"user":"manager"']) {
      const behindPseudonyms = allPages(principalOf(db, 'admin'), { q, pageSize: 200 }).ids.filter((id) => !showing(q).includes(id));
      expect(behindPseudonyms.length, q).toBeGreaterThan(0);
      // Pseudonyms are random hex ("User 3ADA91F2" shows "ada"): only what he is shown may match.
      const found = allPages(auditor(), { q, pageSize: 200 }).ids;
      expect(
        found.filter((id) => !showing(q).includes(id)),
        q,
      ).toEqual([]);
    }
    // What is not personal is found alike.
    for (const q of ['Night owls', 'zq api revoke', 'pilot']) {
      expect(allPages(auditor(), { q, pageSize: 200 }).ids, q).toEqual(allPages(principalOf(db, 'admin'), { q, pageSize: 200 }).ids);
    }
    // And whatever he finds shows him the text he searched for.
    for (const q of ['man', 'sales']) {
      for (const id of allPages(auditor(), { q, pageSize: 200 }).ids) {
        const row = listAuditEvents({ ctx: auditor(), input: { before: id + 1, pageSize: 5 } }).rows[0]!;
        expect(JSON.stringify([row.entityType, row.entityName, row.action, row.before, row.after]).toLowerCase(), `${q} in #${id}`).toContain(q);
      }
    }
  });

  it('the actor filter takes the pseudonym he is shown, "you" or "system", never a login name', () => {
    const rows = listAuditEvents({ ctx: auditor(), input: { pageSize: 200 } }).rows;
    const managerAlias = rows.find((r) => r.entityName === 'Night owls')!.who;
    expect(allPages(auditor(), { actor: managerAlias, pageSize: 5 }).ids).toEqual(allPages(principalOf(db, 'admin'), { actor: 'manager', pageSize: 5 }).ids);
    expect(allPages(auditor(), { actor: managerAlias.toLowerCase(), pageSize: 5 }).ids.length).toBeGreaterThan(0);
    expect(allPages(auditor(), { actor: 'you', pageSize: 5 }).ids).toEqual(allPages(principalOf(db, 'admin'), { actor: 'auditor', pageSize: 5 }).ids);
    const login = refusalOf(() => listAuditEvents({ ctx: auditor(), input: { actor: 'manager' } }));
    expect(login.fieldErrors).toHaveProperty('actor');
    expect(login.message).toMatch(/pseudonym/);
    expect(refusalOf(() => listAuditEvents({ ctx: auditor(), input: { actor: 'User 00000000' } })).message).toMatch(/nobody goes by "User 00000000"/);
  });

  it('the CSV export is anonymized the same way', async () => {
    const reader = exportAuditCsv({ ctx: auditor(), input: { entityType: 'user' } });
    const text = await new Response(reader).text();
    for (const hidden of ['Avery Admin', 'admin@example.com', 'Sam Sales', 'sales@example.com']) expect(text).not.toContain(hidden);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows.length).toBe(log().filter((r) => r.entityType === 'user').length);
    expect(rows.filter((r) => r.Source === 'UI').every((r) => /^User [0-9A-F]{8}$|^you$/.test(r.Who!))).toBe(true);
  });
});
