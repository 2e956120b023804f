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

/**
 * Written inside the change's own transaction: if the audit row fails, the change rolls back
 * (`writeTransaction` has made sure the actor still may act). The entity's state after the change
 * is read here too, so no verb can leave "as of" without it.
 */
export function writeAudit(tx: Tx, actor: Principal, entry: AuditEntry): void {
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
}
