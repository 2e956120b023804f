import 'server-only';
import { and, asc, gt, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { LEVELS, isLevel, type Level } from '@/lib/permissions/channels';
import { decide, type DecisionIndex, type DecisionReason } from '@/lib/permissions/decision-index';
import type { Subject } from '@/lib/permissions/policy';
import { decisionIndex, visibleTo } from './decisions';
import { manageVerdict } from './policy';
import { subjectOf, type Principal } from './principal';

/**
 * The OpenID AuthZEN 1.0 questions, answered from the decision index with the visibility rule of
 * `POST /api/v1/authorize` (lib/dal/decisions.ts): the same answer to the same question.
 *
 * The mapping of Switchboard's model onto AuthZEN's entities:
 * - subject `{ type: "user", id: <login name> }` (case-insensitive, answered as stored). A key sees
 *   its own user and the users it could list; anyone else is an unknown subject.
 * - action `{ name: <permission key> }`, or on a channel `{ name: <channel level> }` ("at least
 *   that level there").
 * - resource `{ type: "account", id: <any> }`: the permission account-wide (Switchboard serves one
 *   account; the id the specification requires is not interpreted, searches answer "account").
 * - resource `{ type: "channel", id: <channel key>, properties?: { level } }`: the permission in that
 *   channel (it also needs "View only" there), or the level there; with `properties.level`, that
 *   level is required there as well.
 * - resource `{ type: "user", id: <login name> }`: a permission the subject holds over that user (an
 *   agent manager's in-group permissions): he holds it, it reaches the user (account-wide, or the
 *   user is in the subtree of a group he manages) and the policy lets him manage the user
 *   (lib/permissions/policy `manageRefusal`); otherwise `out-of-scope`.
 * - the decision's context is `{ reason }`: one of DECISION_REASONS, or `out-of-scope`. A question
 *   that names something unknown is `decision: false` with `context.error: { status, message }`:
 *   400 for an unknown type or action or a question that does not fit the model, 404 for an
 *   unknown (or invisible) subject or resource id. Properties of the subject and action, and the
 *   request's context, are accepted and not used.
 */

export interface Entity {
  type: string;
  id: string;
  properties?: Record<string, unknown>;
}
export interface ActionEntity {
  name: string;
  properties?: Record<string, unknown>;
}
export interface EvaluationQuery {
  subject: Entity;
  action: ActionEntity;
  resource: Entity;
  context?: Record<string, unknown>;
}

export type AuthzenReason = DecisionReason | 'out-of-scope';
export interface AuthzenError {
  status: 400 | 404;
  message: string;
}
export interface AuthzenDecision {
  decision: boolean;
  context: { reason?: AuthzenReason; error?: AuthzenError };
}

/** The id search results give the one account. */
export const ACCOUNT_ID = 'account';

type Target = { kind: 'account' } | { kind: 'channel'; key: string; level: Level | null } | { kind: 'user'; userId: number };
type Problem = { problem: AuthzenError };
const problem = (status: 400 | 404, message: string): Problem => ({ problem: { status, message } });
const isProblem = (v: unknown): v is Problem => typeof v === 'object' && v !== null && 'problem' in v;
const failed = ({ problem: error }: Problem, reason?: AuthzenReason): AuthzenDecision => ({
  decision: false,
  context: { ...(reason ? { reason } : {}), error },
});

/** One request's view: the index as of now, the key's visibility, lookups cached for a batch. */
class Asker {
  readonly index: DecisionIndex;
  readonly sees: (userId: number) => boolean;
  private readonly ids = new Map<string, number | null>();
  private readonly subjects = new Map<number, Subject | null>();
  private readonly verdicts = new Map<string, boolean>();

  constructor(readonly ctx: Principal) {
    this.index = decisionIndex();
    this.sees = visibleTo(ctx, this.index);
  }

  get catalog() {
    return this.ctx.catalog;
  }

  /** The visible user with this login name, or null. */
  userId(loginName: string): number | null {
    const key = loginName.toLowerCase();
    let id = this.ids.get(key);
    if (id === undefined) {
      const row = getDb()
        .select({ id: t.users.id })
        .from(t.users)
        .where(sql`${t.users.loginName} = ${loginName} collate nocase`)
        .get();
      id = row && this.index.knows(row.id) && this.sees(row.id) ? row.id : null;
      this.ids.set(key, id);
    }
    return id;
  }

  /** The policy lets `actorId` manage `targetId` (cached: a search asks it of many pairs). */
  mayManage(actorId: number, targetId: number): boolean {
    const key = `${actorId}:${targetId}`;
    let ok = this.verdicts.get(key);
    if (ok === undefined) {
      let actor = this.subjects.get(actorId);
      if (actor === undefined) this.subjects.set(actorId, (actor = subjectOf(actorId)));
      ok = actor !== null && manageVerdict(actor, targetId) === null;
      this.verdicts.set(key, ok);
    }
    return ok;
  }

  subjectUser(subject: Entity): number | Problem {
    if (subject.type !== 'user') return problem(400, `Unknown subject type "${subject.type}": Switchboard's subjects are of type "user".`);
    return this.userId(subject.id) ?? problem(404, `There is no user "${subject.id}".`);
  }

  /** The resource, for a question about it (its id required). */
  target(resource: Entity): Target | Problem {
    const kind = this.targetKind(resource);
    if (isProblem(kind)) return kind;
    if (kind === 'account') return { kind };
    if (kind === 'channel') {
      if (!this.catalog.channelByKey.has(resource.id)) return problem(404, `There is no channel "${resource.id}".`);
      const level = resource.properties?.level;
      if (level !== undefined && !isLevel(level)) return problem(400, `resource.properties.level must be one of ${LEVELS.join(', ')}.`);
      return { kind, key: resource.id, level: level ?? null };
    }
    const userId = this.userId(resource.id);
    return userId === null ? problem(404, `There is no user "${resource.id}".`) : { kind, userId };
  }

  targetKind(resource: Pick<Entity, 'type'>): Target['kind'] | Problem {
    if (resource.type === 'account' || resource.type === 'channel' || resource.type === 'user') return resource.type;
    return problem(400, `Unknown resource type "${resource.type}": use "account", "channel" or "user".`);
  }

  /** The action fits the resource: a permission key anywhere, a channel level only on a channel. */
  actionProblem(name: string, kind: Target['kind']): Problem | null {
    if (isLevel(name)) return kind === 'channel' ? null : problem(400, `A channel level ("${name}") is asked of a resource of type "channel".`);
    if (!this.catalog.permissionByKey.has(name))
      return problem(400, `Unknown action "${name}": use a permission key of the catalog${kind === 'channel' ? ' or a channel level' : ''}.`);
    return null;
  }

  /** May active user `userId` do `name` on `target` (both already checked)? */
  decideFor(userId: number, name: string, target: Target): { allowed: boolean; reason: AuthzenReason } {
    if (!this.index.isActive(userId)) return { allowed: false, reason: 'user-deactivated' };
    const subject = this.index.subject(userId);
    if (target.kind === 'account') return decide(this.catalog, subject, name);
    if (target.kind === 'channel') {
      const d = decide(this.catalog, subject, name, target.key);
      return d.allowed && target.level ? decide(this.catalog, subject, target.level, target.key) : d;
    }
    const d = decide(this.catalog, subject, name);
    if (!d.allowed) return d;
    const bit = this.catalog.permissionByKey.get(name)!.bit;
    const inScope = this.index.canActOn(userId, bit, target.userId) && this.mayManage(userId, target.userId);
    return inScope ? d : { allowed: false, reason: 'out-of-scope' };
  }

  evaluate(q: EvaluationQuery): AuthzenDecision {
    if (q.subject.type !== 'user') return failed(this.subjectUser(q.subject) as Problem);
    const target = this.target(q.resource);
    if (isProblem(target)) return failed(target);
    const wrongAction = this.actionProblem(q.action.name, target.kind);
    if (wrongAction) return failed(wrongAction);
    const userId = this.subjectUser(q.subject);
    if (isProblem(userId)) return failed(userId, 'unknown-user');
    const { allowed, reason } = this.decideFor(userId, q.action.name, target);
    return { decision: allowed, context: { reason } };
  }
}

/** One AuthZEN evaluation, as `POST /api/v1/authorize` would answer it. */
export function evaluateAccess({ ctx, query }: { ctx: Principal; query: EvaluationQuery }): AuthzenDecision {
  return new Asker(ctx).evaluate(query);
}

/**
 * A batch of evaluations in order, stopping after the deciding one for the short-circuit semantics
 * (`deny_on_first_deny`: the first deny or error; `permit_on_first_permit`: the first permit).
 * An item that could not be read arrives as its error and is answered as a deny.
 */
export function evaluateAccessBatch({
  ctx,
  items,
  semantic,
}: {
  ctx: Principal;
  items: readonly (EvaluationQuery | AuthzenError)[];
  semantic: 'execute_all' | 'deny_on_first_deny' | 'permit_on_first_permit';
}): AuthzenDecision[] {
  const asker = new Asker(ctx);
  const out: AuthzenDecision[] = [];
  for (const item of items) {
    const d = 'status' in item ? failed({ problem: item }) : asker.evaluate(item);
    out.push(d);
    if (semantic === 'deny_on_first_deny' && !d.decision) break;
    if (semantic === 'permit_on_first_permit' && d.decision) break;
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// Searches

/** Where a page starts (after the candidate whose key this is) and how many it holds. */
export interface PageRequest {
  after: number | null;
  limit: number;
}

/**
 * A page of results. `next` is the key to continue after (null: this was the last page); `total`
 * is absent when counting would mean asking the policy of every candidate (users as resources).
 */
export interface SearchPage<T> {
  results: T[];
  next: number | null;
  total?: number;
}

interface Candidate<T> {
  key: number;
  value: T;
}

/**
 * The page of `candidates` (ascending keys) that `matches`, after `page.after`. Counted: every
 * candidate is asked, for the total; else only until one more than the page is found.
 */
function paginate<T>(candidates: Iterable<Candidate<T>>, matches: (c: Candidate<T>) => boolean, page: PageRequest, counted: boolean): SearchPage<T> {
  const results: T[] = [];
  let lastKey: number | null = null;
  let more = false;
  let total = 0;
  for (const c of candidates) {
    const inPage = page.after === null || c.key > page.after;
    if (!counted && !inPage) continue;
    if (!matches(c)) continue;
    total++;
    if (!inPage) continue;
    if (results.length < page.limit) {
      results.push(c.value);
      lastKey = c.key;
    } else {
      more = true;
      if (!counted) break;
    }
  }
  return { results, next: more ? lastKey : null, ...(counted ? { total } : {}) };
}

const empty = <T>(): SearchPage<T> => ({ results: [], next: null, total: 0 });

const USER_CHUNK = 1000;

/** Every user by id (active ones only when asked), read a chunk at a time. */
function* usersById(onlyActive: boolean, after: number | null): Generator<Candidate<string> & { id: number }> {
  let from = after ?? 0;
  for (;;) {
    const rows = getDb()
      .select({ id: t.users.id, loginName: t.users.loginName })
      .from(t.users)
      .where(onlyActive ? and(gt(t.users.id, from), eq(t.users.status, 'active')) : gt(t.users.id, from))
      .orderBy(asc(t.users.id))
      .limit(USER_CHUNK)
      .all();
    for (const r of rows) yield { key: r.id, id: r.id, value: r.loginName };
    if (rows.length < USER_CHUNK) return;
    from = rows[rows.length - 1]!.id;
  }
}

/**
 * "Who can do this here?": the visible active users for whom the evaluation says yes, by user id.
 * An unknown type, action or resource finds nobody.
 */
export function searchSubjects({
  ctx,
  query,
  page,
}: {
  ctx: Principal;
  query: { subject: { type: string }; action: ActionEntity; resource: Entity };
  page: PageRequest;
}): SearchPage<Entity> {
  const asker = new Asker(ctx);
  if (query.subject.type !== 'user') return empty();
  const target = asker.target(query.resource);
  if (isProblem(target) || asker.actionProblem(query.action.name, target.kind)) return empty();
  const counted = target.kind !== 'user';
  const found = paginate(
    usersById(true, counted ? null : page.after),
    (c) => asker.index.knows(c.key) && asker.sees(c.key) && asker.decideFor(c.key, query.action.name, target).allowed,
    page,
    counted,
  );
  return { ...found, results: found.results.map((id) => ({ type: 'user', id })) };
}

/** "On what can he do this?": the account, the channels, or the visible users, where the evaluation says yes. */
export function searchResources({
  ctx,
  query,
  page,
}: {
  ctx: Principal;
  query: { subject: Entity; action: ActionEntity; resource: { type: string; properties?: Record<string, unknown> } };
  page: PageRequest;
}): SearchPage<Entity> {
  const asker = new Asker(ctx);
  const kind = asker.targetKind(query.resource);
  const userId = asker.subjectUser(query.subject);
  if (isProblem(kind) || isProblem(userId) || asker.actionProblem(query.action.name, kind)) return empty();
  const name = query.action.name;
  if (kind === 'account') {
    return paginate([{ key: 0, value: { type: 'account', id: ACCOUNT_ID } }], () => asker.decideFor(userId, name, { kind }).allowed, page, true);
  }
  if (kind === 'channel') {
    const level = query.resource.properties?.level;
    if (level !== undefined && !isLevel(level)) return empty();
    return paginate(
      asker.catalog.channels.map((c) => ({ key: c.index, value: { type: 'channel', id: c.key } })),
      (c) => asker.decideFor(userId, name, { kind, key: c.value.id, level: level ?? null }).allowed,
      page,
      true,
    );
  }
  const found = paginate(
    usersById(false, page.after),
    (c) => asker.index.knows(c.key) && asker.sees(c.key) && asker.decideFor(userId, name, { kind, userId: c.key }).allowed,
    page,
    false,
  );
  return { ...found, results: found.results.map((id) => ({ type: 'user', id })) };
}

/**
 * "What may he do here?": on the account, every permission he holds; on a channel, the levels he
 * has there, then the permissions he may use there; over a user, the permissions he holds over him.
 */
export function searchActions({
  ctx,
  query,
  page,
}: {
  ctx: Principal;
  query: { subject: Entity; resource: Entity };
  page: PageRequest;
}): SearchPage<ActionEntity> {
  const asker = new Asker(ctx);
  const target = asker.target(query.resource);
  const userId = asker.subjectUser(query.subject);
  if (isProblem(target) || isProblem(userId)) return empty();
  const names = [...(target.kind === 'channel' ? LEVELS.slice(1) : []), ...asker.catalog.permissions.map((p) => p.key)];
  return paginate(
    names.map((name, key) => ({ key, value: { name } })),
    (c) => asker.decideFor(userId, c.value.name, target).allowed,
    page,
    true,
  );
}
