import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { CONSOLE } from '@/lib/permissions/console';
import { authorize, deny } from './authorize';
import { DalError } from './errors';
import type { Principal } from './principal';

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
  const scope = authorize(ctx, 'see agent groups', [CONSOLE.manageAgentGroups], 'view');
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

/** One group he reaches; one that exists beyond his reach is "not found" too, and a logged refusal. */
export function getGroup({ ctx, id }: { ctx: Principal; id: number }): GroupNodeRow {
  const found = listGroups({ ctx }).find((g) => g.id === id);
  if (found) return found;
  const exists = getDb().select({ id: t.groups.id }).from(t.groups).where(eq(t.groups.id, id)).get();
  if (exists) deny(ctx, 'see agent groups', 'There is no such group.', 'not-found');
  throw new DalError('not-found', 'There is no such group.');
}

export function listSkills({ ctx }: { ctx: Principal }) {
  authorize(ctx, 'see skills', [CONSOLE.manageSkills], 'view');
  const db = getDb();
  return db
    .select({ id: t.skills.id, name: t.skills.name, rowVersion: t.skills.rowVersion, agents: sql<number>`count(${t.userSkills.userId})` })
    .from(t.skills)
    .leftJoin(t.userSkills, eq(t.userSkills.skillId, t.skills.id))
    .groupBy(t.skills.id)
    .orderBy(sql`${t.skills.name} collate nocase`)
    .all();
}

// The audit trail and the security log live in audit-trail.ts.
export { listAuditEvents, listDeniedAttempts } from './audit-trail';
