import 'server-only';
import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, max, or, sql, type SQL } from 'drizzle-orm';
import { writeCsv } from '@/lib/csv';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { CONSOLE } from '@/lib/permissions/console';
import { changeText, describeChanges, type Change, type DiffNames } from '@/lib/permissions/audit-diff';
import { redactIdentity, redactPeople } from '@/lib/permissions/pseudonym';
import { deniedPageInput, exportAuditInput, listAuditInput } from '@/lib/schemas/audit';
import { pseudonymizer } from './anonymize';
import { authorize } from './authorize';
import { DalError, parseInput } from './errors';
import type { Principal } from './principal';

type Alias = (userId: number | string | null) => string;
const e = t.auditEvents;

/** The trail covers the whole account: only an account-wide grant of the permission opens it. */
export function requireAuditReader(ctx: Principal, action: string) {
  if (authorize(ctx, action, [CONSOLE.viewAuditTrail], 'view').kind !== 'account') {
    throw new DalError('forbidden', `To ${action} you need an account-wide grant of "View and export audit trail".`);
  }
}

const PSEUDONYM = /^user\s+([0-9a-f]{8})$/i;

/**
 * The user a reader names in a filter. A reader who sees names picks by login name; one without
 * "Access to user performance data" only by the pseudonym the trail shows him (or "you"): a login
 * name would tell him who hides behind a pseudonym. "system" is the seed and other unattended
 * changes (null), where the field allows it.
 */
export function resolvePerson(ctx: Principal, alias: Alias | null, text: string, field: { key: string; label: string; system?: boolean }): number | null {
  const fail = (message: string): never => {
    throw new DalError('invalid', `${field.label}: ${message}`, { [field.key]: [message] });
  };
  const s = text.trim();
  if (field.system && /^system$/i.test(s)) return null;
  const db = getDb();
  if (alias) {
    if (/^you$/i.test(s)) return ctx.userId;
    const m = PSEUDONYM.exec(s);
    if (!m) return fail('without "Access to user performance data", name people by the pseudonym the trail shows (like "User 3F9A2C1B"), or "you".');
    const wanted = `User ${m[1]!.toUpperCase()}`;
    for (const { id } of db.select({ id: t.users.id }).from(t.users).all()) if (alias(id) === wanted) return id;
    return fail(`nobody goes by "${wanted}".`);
  }
  const user = db
    .select({ id: t.users.id })
    .from(t.users)
    .where(sql`${t.users.loginName} = ${s} collate nocase`)
    .get();
  return user ? user.id : fail(`there is no user with the login name "${s}".`);
}

interface Filters {
  /** null: events with no actor (the seed). */
  actorId?: number | null;
  entityType?: string;
  action?: string;
  from?: number;
  to?: number;
  q?: string;
  /** The ids the date range covers, both ends included; null when it covers none. */
  ids?: { low: number; high: number } | null;
}

type FilterInput = Omit<Filters, 'actorId' | 'ids'> & { actor?: string };

/**
 * The log's time never goes backwards (see appendAuditEvent), so a date range is a range of ids:
 * two seeks in audit_at_idx find its ends, and every page then walks ids newest first, through
 * whichever index serves the other filters, never sorting the whole range.
 */
function idRange(from: number | undefined, to: number | undefined): Filters['ids'] {
  if (from === undefined && to === undefined) return undefined;
  const db = getDb();
  const low =
    from === undefined
      ? 1
      : db
          .select({ id: e.id })
          .from(e)
          .where(gte(e.at, new Date(from)))
          .orderBy(asc(e.at), asc(e.id))
          .limit(1)
          .get()?.id;
  const high =
    to === undefined
      ? Number.MAX_SAFE_INTEGER
      : db
          .select({ id: e.id })
          .from(e)
          .where(lte(e.at, new Date(to)))
          .orderBy(desc(e.at), desc(e.id))
          .limit(1)
          .get()?.id;
  return low === undefined || high === undefined || low > high ? null : { low, high };
}

function resolveFilters(ctx: Principal, alias: Alias | null, q: FilterInput): Filters {
  const { actor, ...rest } = q;
  const ids = idRange(q.from, q.to);
  return actor ? { ...rest, ids, actorId: resolvePerson(ctx, alias, actor, { key: 'actor', label: 'Actor', system: true }) } : { ...rest, ids };
}

function filterConditions(f: Filters): SQL[] {
  const out: SQL[] = [];
  if (f.actorId !== undefined) out.push(f.actorId === null ? isNull(e.actorId) : eq(e.actorId, f.actorId));
  if (f.entityType) out.push(eq(e.entityType, f.entityType));
  if (f.action) out.push(eq(e.action, f.action));
  if (f.ids) out.push(gte(e.id, f.ids.low), lte(e.id, f.ids.high));
  // Checked on each event as well (events written before time was kept monotonic), with the
  // unary + keeping the planner off audit_at_idx: the id range is what drives.
  if (f.from !== undefined) out.push(sql`+${e.at} >= ${f.from}`);
  if (f.to !== undefined) out.push(sql`+${e.at} <= ${f.to}`);
  return out;
}

/** Short searches scan at most this many events per request (ids are dense: the log is append-only). */
export const SHORT_SEARCH_WINDOW = 5000;
/** A reader who sees pseudonyms: at most this many candidate events checked per request. */
export const REDACTED_SEARCH_BUDGET = 2000;
const BATCH = 200;

/**
 * Free text. Three characters or more: the trigram index (audit_events_fts), also finding the
 * permissions whose catalog name contains the text. Shorter: a LIKE over a bounded window of ids.
 * For a reader who sees pseudonyms, the columns that hold who acted are left out, and every
 * candidate is checked again against what he is shown (see `shownText`): nothing he cannot see
 * can make an event match.
 */
type TextPlan = { kind: 'none' } | { kind: 'index'; match: string; needles: string[] } | { kind: 'window'; condition: SQL; needles: string[] };

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const phrase = (s: string) => `"${s.replace(/"/g, '""')}"`;

function textPlan(ctx: Principal, text: string | undefined, redacted: boolean): TextPlan {
  if (!text) return { kind: 'none' };
  if (text.length >= 3) {
    const lower = text.toLowerCase();
    const named = [...ctx.catalog.permissions, ...ctx.catalog.channels]
      .filter((p) => p.name.toLowerCase().includes(lower) && !p.key.toLowerCase().includes(lower))
      .map((p) => p.key)
      .slice(0, 20);
    const needles = [text, ...named];
    const any = needles.map(phrase).join(' OR ');
    return { kind: 'index', match: redacted ? `{entity_type entity_name action before after} : (${any})` : any, needles };
  }
  const like = `%${escapeLike(text)}%`;
  const columns = redacted
    ? [e.entityType, e.entityName, e.action, e.before, e.after]
    : [e.actorName, e.onBehalfOf, e.entityType, e.entityName, e.action, e.before, e.after];
  return { kind: 'window', condition: or(...columns.map((c) => sql`${c} like ${like} escape '\\'`))!, needles: [text] };
}

/** Ids of candidate events below `below` (and from `floor` up), newest first. */
function candidateIds(f: Filters, where: SQL[], plan: TextPlan, below: number | undefined, floor: number | undefined, limit: number): number[] {
  const db = getDb();
  if (plan.kind === 'index') {
    // Driven by the index, newest first: FTS5 walks its rowids backwards from the cursor.
    const bounds = [
      below ? sql`audit_events_fts.rowid < ${below}` : undefined,
      f.ids ? sql`audit_events_fts.rowid between ${f.ids.low} and ${f.ids.high}` : undefined,
      ...where,
    ].filter((c): c is SQL => !!c);
    return db
      .all<{ id: number }>(
        sql`select ${e.id} as id from audit_events_fts join ${e} on ${e.id} = audit_events_fts.rowid
            where audit_events_fts match ${plan.match}${bounds.length ? sql` and ${and(...bounds)}` : sql``}
            order by audit_events_fts.rowid desc limit ${limit}`,
      )
      .map((r) => r.id);
  }
  const conditions = [...where, below ? lt(e.id, below) : undefined, floor ? gte(e.id, floor) : undefined, plan.kind === 'window' ? plan.condition : undefined];
  return db
    .select({ id: e.id })
    .from(e)
    .where(and(...conditions))
    .orderBy(desc(e.id))
    .limit(limit)
    .all()
    .map((r) => r.id);
}

export interface AuditEventRow {
  id: number;
  /** Epoch milliseconds. */
  at: number;
  /** Who acted, as the reader may see him: `API key "X" on behalf of admin` for a program. */
  who: string;
  source: 'ui' | 'api' | 'system';
  entityType: string;
  entityId: string;
  entityName: string;
  action: string;
  before: unknown;
  after: unknown;
  /** The readable diff of before and after. */
  changes: Change[];
}

function fetchRows(ids: number[]) {
  return getDb()
    .select({
      id: e.id,
      at: e.at,
      actorId: e.actorId,
      actorName: e.actorName,
      onBehalfOf: e.onBehalfOf,
      source: e.source,
      entityType: e.entityType,
      entityId: e.entityId,
      entityName: e.entityName,
      action: e.action,
      before: e.before,
      after: e.after,
      // A key's events name its user by login: the reader who sees pseudonyms is shown the key's user's instead.
      keyUserId: t.apiKeys.userId,
    })
    .from(e)
    .leftJoin(t.apiKeys, and(eq(e.entityType, 'api-key'), eq(t.apiKeys.id, sql`cast(${e.entityId} as integer)`)))
    .where(inArray(e.id, ids))
    .orderBy(desc(e.id))
    .all();
}

/** One event as this reader may see it: people under pseudonyms when he lacks "Access to user performance data". */
function shape(row: ReturnType<typeof fetchRows>[number], alias: Alias | null, names: DiffNames): AuditEventRow {
  const subject = alias && row.entityType === 'user' ? alias(row.entityId) : null;
  const keyUser = alias && row.keyUserId !== null ? alias(row.keyUserId) : null;
  const redact = (v: unknown) => {
    if (!alias) return v;
    if (subject) return redactIdentity(v, subject);
    const people = redactPeople(v, alias);
    return keyUser && people && typeof people === 'object' && 'user' in people ? { ...people, user: keyUser } : people;
  };
  const person = alias ? alias(row.actorId) : (row.onBehalfOf ?? row.actorName);
  const before = redact(row.before);
  const after = redact(row.after);
  return {
    id: row.id,
    at: row.at.getTime(),
    who: row.onBehalfOf ? `${row.actorName} on behalf of ${person}` : person,
    source: row.source,
    entityType: row.entityType,
    // A user's id would lead to his page: the pseudonym stands for it too.
    entityId: subject ?? row.entityId,
    entityName: subject ?? row.entityName,
    action: row.action,
    before,
    after,
    changes: describeChanges(names, before, after),
  };
}

/** What a reader is shown of an event, as text: a search must match there, not in what was hidden. */
function shownText(r: AuditEventRow): string {
  return [r.entityType, r.entityName, r.action, JSON.stringify(r.before), JSON.stringify(r.after)].join('\n').toLowerCase();
}

function diffNames(ctx: Principal): DiffNames {
  const groups = getDb().select({ id: t.groups.id, name: t.groups.name }).from(t.groups).all();
  return { catalog: ctx.catalog, groups: new Map(groups.map((g) => [g.id, g.name])) };
}

interface Page {
  rows: AuditEventRow[];
  /** The cursor of the next (older) page; null at the end of the log. */
  next: number | null;
  /** The search stopped at its bound before filling the page: older events may still match. */
  partial: boolean;
}

/** One keyset page of the filtered log, newest first, never an OFFSET. */
function scanPage(ctx: Principal, f: Filters, alias: Alias | null, names: DiffNames, before: number | undefined, pageSize: number): Page {
  if (f.ids === null) return { rows: [], next: null, partial: false };
  const plan = textPlan(ctx, f.q, alias !== null);
  const where = filterConditions(f);
  // For a reader who sees pseudonyms, the needles an event must show him to match.
  const verify = alias !== null && plan.kind !== 'none' ? plan.needles.map((n) => n.toLowerCase()) : null;
  let floor: number | undefined;
  const lowest = f.ids?.low ?? 1;
  if (plan.kind === 'window') {
    const newest = Math.min(
      f.ids?.high ?? Infinity,
      getDb()
        .select({ id: max(e.id) })
        .from(e)
        .get()?.id ?? 0,
    );
    const top = Math.min(before ?? Infinity, newest + 1);
    floor = Math.max(lowest, top - SHORT_SEARCH_WINDOW);
  }
  const out: AuditEventRow[] = [];
  let below = before;
  let examined = 0;
  for (;;) {
    const limit = verify ? Math.min(BATCH, REDACTED_SEARCH_BUDGET - examined) : pageSize + 1 - out.length;
    const ids = candidateIds(f, where, plan, below, floor, limit);
    for (const raw of ids.length ? fetchRows(ids) : []) {
      examined++;
      below = raw.id;
      const row = shape(raw, alias, names);
      if (verify && !verify.some((n) => shownText(row).includes(n))) continue;
      out.push(row);
      if (out.length > pageSize) return { rows: out.slice(0, pageSize), next: out[pageSize - 1]!.id, partial: false };
    }
    if (ids.length < limit) {
      // Nothing older matches, unless a short search stopped at its window.
      const more = floor !== undefined && floor > lowest;
      return { rows: out, next: more ? floor! : null, partial: more };
    }
    if (verify && examined >= REDACTED_SEARCH_BUDGET) return { rows: out, next: below ?? null, partial: true };
  }
}

/**
 * The audit trail: every change, newest first, filtered by actor, entity type, action, date range
 * and free text, one keyset page at a time.
 */
export function listAuditEvents({ ctx, input }: { ctx: Principal; input: unknown }): Page {
  requireAuditReader(ctx, 'see the audit trail');
  const q = parseInput(listAuditInput, input);
  const alias = pseudonymizer(ctx);
  const { before, pageSize, ...filters } = q;
  return scanPage(ctx, resolveFilters(ctx, alias, filters), alias, diffNames(ctx), before, pageSize ?? 50);
}

/** Distinct values of an indexed column, one index seek each (a loose index scan). */
function distinctValues(column: 'entity_type' | 'action'): string[] {
  const c = sql.raw(column);
  return getDb()
    .all<{ v: string }>(
      sql`with recursive d(v) as (
            select min(${c}) from audit_events
            union all select (select min(${c}) from audit_events where ${c} > d.v) from d where d.v is not null
          ) select v from d where v is not null`,
    )
    .map((r) => r.v);
}

/** The choices of the trail's filters: the entity types and actions the log holds. */
export function auditFilterOptions({ ctx }: { ctx: Principal }) {
  requireAuditReader(ctx, 'see the audit trail');
  return { entityTypes: distinctValues('entity_type'), actions: distinctValues('action'), pseudonyms: pseudonymizer(ctx) !== null };
}

const CSV_COLUMNS = ['Event', 'When (UTC)', 'Who', 'Source', 'Entity type', 'Entity', 'Action', 'Changes', 'Before (JSON)', 'After (JSON)'];
const EXPORT_PAGE = 500;
const json = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));

/**
 * The filtered log as CSV, streamed one keyset page at a time: the whole log is never in memory.
 * Authorizes and checks the filters before the first byte, so a refusal is a plain error.
 */
export function exportAuditCsv({ ctx, input }: { ctx: Principal; input: unknown }): ReadableStream<Uint8Array> {
  requireAuditReader(ctx, 'export the audit trail');
  const alias = pseudonymizer(ctx);
  const filters = resolveFilters(ctx, alias, parseInput(exportAuditInput, input));
  const names = diffNames(ctx);
  const encoder = new TextEncoder();
  let before: number | undefined;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(writeCsv([], { header: true, columns: CSV_COLUMNS })));
        return;
      }
      // A page may come back empty (a bounded search step): go on, letting other requests run in between.
      for (;;) {
        const page = scanPage(ctx, filters, alias, names, before, EXPORT_PAGE);
        if (page.next !== null) before = page.next;
        if (page.rows.length) {
          const records = page.rows.map((r) => [
            r.id,
            new Date(r.at).toISOString(),
            r.who,
            r.source.toUpperCase(),
            r.entityType,
            r.entityName,
            r.action,
            r.changes.map(changeText).join('; '),
            json(r.before),
            json(r.after),
          ]);
          controller.enqueue(encoder.encode(writeCsv(records)));
        }
        if (page.next === null) return controller.close();
        if (page.rows.length) return;
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  });
}

/** The security log: refused attempts, newest first, keyset-paged, for the same readers as the audit trail. */
export function listDeniedAttempts({ ctx, input }: { ctx: Principal; input: unknown }) {
  requireAuditReader(ctx, 'see the security log');
  const q = parseInput(deniedPageInput, input);
  const rows = getDb()
    .select()
    .from(t.deniedAttempts)
    .where(q.before ? lt(t.deniedAttempts.id, q.before) : undefined)
    .orderBy(desc(t.deniedAttempts.id))
    .limit(q.pageSize + 1)
    .all();
  const page = rows.slice(0, q.pageSize);
  const alias = pseudonymizer(ctx);
  return {
    rows: page.map((r) => ({ ...r, actorName: alias ? alias(r.actorId) : r.actorName, at: r.at.getTime() })),
    next: rows.length > q.pageSize ? page[page.length - 1]!.id : null,
  };
}
