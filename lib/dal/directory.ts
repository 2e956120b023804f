import 'server-only';
import { desc, eq, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { CONSOLE } from '@/lib/permissions/console';
import { authorize } from './authorize';
import { DalError, parseInput } from './errors';
import type { Principal } from './principal';
import { pseudonymizer } from './anonymize';
import { redactIdentity, redactPeople } from '@/lib/permissions/pseudonym';

// Read-only views of roles, groups, skills and the audit trail. Their editors arrive with the
// issues that own them; these verbs already authorize and scope like every other.

export interface GroupNodeRow {
  id: number;
  parentId: number | null;
  rowVersion: number;
  name: string;
  depth: number;
  enabled: boolean;
  members: number;
  managers: string[];
}

export function listGroups({ ctx }: { ctx: Principal }): GroupNodeRow[] {
  const scope = authorize(ctx, 'see agent groups', [CONSOLE.manageAgentGroups]);
  const db = getDb();
  const groups = db
    .select()
    .from(t.groups)
    .orderBy(sql`${t.groups.name} collate nocase`)
    .all();
  const members = new Map(
    db
      .select({ groupId: t.users.groupId, n: sql<number>`count(*)` })
      .from(t.users)
      .groupBy(t.users.groupId)
      .all()
      .map((r) => [r.groupId, r.n]),
  );
  const managers = db
    .select({ groupId: t.managedGroups.groupId, name: t.users.name })
    .from(t.managedGroups)
    .innerJoin(t.users, eq(t.users.id, t.managedGroups.userId))
    .all();
  const out: GroupNodeRow[] = [];
  const walk = (parentId: number | null, depth: number) => {
    for (const g of groups.filter((x) => x.parentId === parentId)) {
      if (scope.kind === 'account' || scope.groupIds.has(g.id)) {
        out.push({
          id: g.id,
          parentId: g.parentId,
          rowVersion: g.rowVersion,
          name: g.name,
          depth,
          enabled: g.enabled,
          members: members.get(g.id) ?? 0,
          managers: managers.filter((m) => m.groupId === g.id).map((m) => m.name),
        });
      }
      walk(g.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

export function listSkills({ ctx }: { ctx: Principal }) {
  authorize(ctx, 'see skills', [CONSOLE.manageSkills]);
  const db = getDb();
  return db
    .select({ id: t.skills.id, name: t.skills.name, rowVersion: t.skills.rowVersion, agents: sql<number>`count(${t.userSkills.userId})` })
    .from(t.skills)
    .leftJoin(t.userSkills, eq(t.userSkills.skillId, t.skills.id))
    .groupBy(t.skills.id)
    .orderBy(sql`${t.skills.name} collate nocase`)
    .all();
}

const auditPageInput = z.object({
  before: z.coerce.number({ error: 'Page cursor must be a number' }).int().positive('Page cursor must be positive').optional(),
  pageSize: z.coerce.number().int().min(10).max(200).default(50),
});

/** The trail covers the whole account: only an account-wide grant of the permission opens it. */
function requireAuditReader(ctx: Principal, action: string) {
  if (authorize(ctx, action, [CONSOLE.viewAuditTrail]).kind !== 'account') {
    throw new DalError('forbidden', `To ${action} you need an account-wide grant of "View and export audit trail".`);
  }
}

/** The newest events first, one keyset page at a time (no OFFSET over a large log). */
export function listAuditEvents({ ctx, input }: { ctx: Principal; input: unknown }) {
  requireAuditReader(ctx, 'see the audit trail');
  const q = parseInput(auditPageInput, input);
  const rows = getDb()
    .select()
    .from(t.auditEvents)
    .where(q.before ? lt(t.auditEvents.id, q.before) : undefined)
    .orderBy(desc(t.auditEvents.id))
    .limit(q.pageSize + 1)
    .all();
  const page = rows.slice(0, q.pageSize);
  const alias = pseudonymizer(ctx);
  const shown = alias
    ? page.map((r) => {
        const subject = r.entityType === 'user' ? alias(r.entityId) : null;
        return {
          ...r,
          actorName: alias(r.actorId),
          entityName: subject ?? r.entityName,
          before: subject ? redactIdentity(r.before, subject) : redactPeople(r.before, alias),
          after: subject ? redactIdentity(r.after, subject) : redactPeople(r.after, alias),
        };
      })
    : page;
  return {
    rows: shown.map((r) => ({ ...r, at: r.at.getTime() })),
    next: rows.length > q.pageSize ? page[page.length - 1]!.id : null,
  };
}

/** The security log: refused attempts, newest first, for the same readers as the audit trail. */
export function listDeniedAttempts({ ctx, input }: { ctx: Principal; input: unknown }) {
  requireAuditReader(ctx, 'see the security log');
  const q = parseInput(auditPageInput, input);
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
