import { createHash } from 'node:crypto';
import { asc, desc, gt, sql } from 'drizzle-orm';
import type { DB } from './client';
import { preparedFor } from './prepared';
import { auditEvents } from './schema';

type Tx = Parameters<Parameters<DB['transaction']>[0]>[0];

export interface AuditContent {
  at: Date;
  actorId: number | null;
  actorName: string;
  onBehalfOf: string | null;
  source: 'ui' | 'api' | 'system';
  entityType: string;
  entityId: string;
  entityName: string;
  action: string;
  before: unknown;
  after: unknown;
  /** See auditEvents.state; null when the event changes nothing permissions depend on. */
  state?: unknown;
}

/** JSON with object keys sorted, so the same content always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function chainHash(prevHash: string, e: AuditContent): string {
  // `state` joined the log later: hashed only when present, so older events keep their hashes.
  const { state, ...rest } = e;
  const content = canonical({ ...rest, at: e.at.getTime(), ...(state === null || state === undefined ? {} : { state }) });
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

/**
 * Append one event to the log, chained to the one before it. Runs inside the caller's IMMEDIATE
 * transaction, which holds the write lock: nobody appends in between.
 *
 * The log's time never goes backwards: should the clock be set back, an event takes the time of
 * the one before it. So the order of ids is the order of time, and a date range is a range of
 * ids (see the audit trail's filters and "as of").
 */
export function appendAuditEvent(tx: Tx, e: Omit<AuditContent, 'at'> & { at?: Date }): void {
  // Prepared once per transaction: an import appends thousands of events in one.
  const lastEvent = preparedFor(tx, 'audit-last-event', () =>
    tx.select({ hash: auditEvents.hash, at: auditEvents.at }).from(auditEvents).orderBy(desc(auditEvents.id)).limit(1).prepare(),
  );
  // Placeholders inside sql``: the values below go to SQLite as they are (NULL stays NULL, not "null").
  const insert = preparedFor(tx, 'audit-insert', () =>
    tx
      .insert(auditEvents)
      .values(Object.fromEntries(AUDIT_COLUMNS.map((c) => [c, sql`${sql.placeholder(c)}`])) as unknown as typeof auditEvents.$inferInsert)
      .prepare(),
  );
  const last = lastEvent.get();
  const wanted = e.at ?? new Date();
  const at = last && last.at.getTime() > wanted.getTime() ? last.at : wanted;
  const prevHash = last?.hash ?? '';
  const content: AuditContent = { ...e, at, before: e.before ?? null, after: e.after ?? null, state: e.state ?? null };
  const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
  insert.run({
    ...content,
    at: at.getTime(),
    before: json(content.before),
    after: json(content.after),
    state: json(content.state),
    prevHash,
    hash: chainHash(prevHash, content),
  });
}

const AUDIT_COLUMNS = [
  'at',
  'actorId',
  'actorName',
  'onBehalfOf',
  'source',
  'entityType',
  'entityId',
  'entityName',
  'action',
  'before',
  'after',
  'state',
  'prevHash',
  'hash',
] as const satisfies readonly (keyof typeof auditEvents.$inferInsert)[];

export type ChainCheck = { ok: true; events: number } | { ok: false; events: number; brokenAt: { id: number; at: Date; reason: string } };

/** Walk the log in order and recompute every hash; name the first event that does not match. */
export function verifyAuditChain(db: DB): ChainCheck {
  let prevHash = '';
  let events = 0;
  // Keyset pages: the log may be large, and the check holds only one page at a time.
  for (let after = 0; ;) {
    const page = db.select().from(auditEvents).where(gt(auditEvents.id, after)).orderBy(asc(auditEvents.id)).limit(1000).all();
    if (page.length === 0) return { ok: true, events };
    for (const row of page) {
      events++;
      const { id, prevHash: storedPrev, hash, ...content } = row;
      if (storedPrev !== prevHash) return { ok: false, events, brokenAt: { id, at: row.at, reason: 'its link to the event before it does not match' } };
      if (chainHash(prevHash, content as AuditContent) !== hash)
        return { ok: false, events, brokenAt: { id, at: row.at, reason: 'its content does not match its hash' } };
      prevHash = hash;
      after = id;
    }
  }
}
