import 'server-only';
import { appendAuditEvent } from '@/db/audit-chain';
import { entityState } from '@/db/audit-state';
import type { Principal } from './principal';
import type { Tx } from './tx';

export interface AuditEntry {
  entityType: string;
  entityId: string | number;
  entityName: string;
  action: string;
  before?: unknown;
  after?: unknown;
}

declare const receipt: unique symbol;
/** Proof that a write recorded its audit event: only writeAudit makes one (see writeTransaction). */
export type AuditReceipt = { readonly [receipt]: true };
/** What a write transaction's body returns: its value, and the receipt of its audit event. */
export interface Audited<T> {
  value: T;
  audited: AuditReceipt;
}

/**
 * A write that turns out to change nothing (the setting already had that value) writes no audit
 * event; it says so by returning this instead of a receipt.
 */
export const NOTHING_CHANGED = {} as AuditReceipt;

/**
 * Written inside the change's own transaction: if the audit row fails, the change rolls back
 * (`writeTransaction` has made sure the actor still may act). The entity's state after the change
 * is read here too, so no verb can leave "as of" without it.
 */
export function writeAudit(tx: Tx, actor: Principal, entry: AuditEntry): AuditReceipt {
  appendAuditEvent(tx, {
    actorId: actor.userId,
    // A program acting through a key: the key is who, its user is on whose behalf.
    actorName: actor.apiKey ? `API key "${actor.apiKey.name}"` : actor.loginName,
    onBehalfOf: actor.apiKey ? actor.loginName : null,
    source: actor.source,
    entityType: entry.entityType,
    entityId: String(entry.entityId),
    entityName: entry.entityName,
    action: entry.action,
    before: entry.before ?? null,
    after: entry.after ?? null,
    state: entityState(tx, entry.entityType, entry.entityId),
  });
  return {} as AuditReceipt;
}
