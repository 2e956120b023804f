import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { preparedFor } from '@/db/prepared';
import * as t from '@/db/schema';
import { appendAuditEvent } from '@/db/audit-chain';
import { entityState } from '@/db/audit-state';
import { DalError } from './errors';
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
 * Written inside the change's own transaction: if the audit row fails, the change rolls back.
 * It also re-reads the actor there: one deactivated while his request was under way (say during
 * a password hash) changes nothing. The entity's state after the change is read here too, so no
 * verb can leave "as of" without it.
 */
export function writeAudit(tx: Tx, actor: Principal, entry: AuditEntry): void {
  const still = preparedFor(tx, 'audit-actor-status', () =>
    tx
      .select({ status: t.users.status })
      .from(t.users)
      .where(eq(t.users.id, sql.placeholder('id')))
      .prepare(),
  ).get({ id: actor.userId });
  if (still?.status !== 'active') throw new DalError('unauthenticated', 'Your session has ended; nothing was changed. Sign in again.');
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
