import 'server-only';
import * as t from '@/db/schema';
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

/** Written inside the change's own transaction: if the audit row fails, the change rolls back. */
export function writeAudit(tx: Tx, actor: Principal, entry: AuditEntry): void {
  tx.insert(t.auditEvents)
    .values({
      actorId: actor.userId,
      actorName: actor.loginName,
      source: actor.source,
      entityType: entry.entityType,
      entityId: String(entry.entityId),
      entityName: entry.entityName,
      action: entry.action,
      before: entry.before ?? null,
      after: entry.after ?? null,
    })
    .run();
}
