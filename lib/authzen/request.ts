import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AuthzenError, EvaluationQuery } from '@/lib/dal/authzen';

/**
 * The AuthZEN 1.0 request bodies, read at the boundary. Unknown fields are ignored (the
 * specification's forward compatibility); a missing required field or a wrong type is a 400 for
 * the whole request, except inside an `evaluations` batch, where it is that item's error.
 */

export class AuthzenRequestError extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AuthzenRequestError';
  }
}

/** The most evaluations one batch may hold (the same as `/api/v1/authorize`'s questions). */
export const MAX_EVALUATIONS = 1000;
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

const properties = z.record(z.string(), z.unknown());
const entity = z.object({ type: z.string(), id: z.string(), properties: properties.optional() });
/** The entity a search looks for: its id is omitted (and ignored when sent). */
const searched = z.object({ type: z.string(), id: z.unknown().optional(), properties: properties.optional() });
const action = z.object({ name: z.string(), properties: properties.optional() });

export const evaluationRequest = z.object({ subject: entity, action, resource: entity, context: properties.optional() });

const SEMANTICS = ['execute_all', 'deny_on_first_deny', 'permit_on_first_permit'] as const;
export type Semantic = (typeof SEMANTICS)[number];

const evaluationsRequest = z.object({
  subject: entity.optional(),
  action: action.optional(),
  resource: entity.optional(),
  context: properties.optional(),
  evaluations: z.array(z.unknown()).max(MAX_EVALUATIONS, `At most ${MAX_EVALUATIONS} evaluations a request`).optional(),
  options: z.object({ evaluations_semantic: z.enum(SEMANTICS).optional() }).optional(),
});

const page = z
  .object({
    token: z.string().optional(),
    limit: z.number().int().min(0).max(MAX_PAGE_LIMIT, `At most ${MAX_PAGE_LIMIT} results a page`).optional(),
  })
  .optional();

export const subjectSearchRequest = z.object({ subject: searched, action, resource: entity, context: properties.optional(), page });
export const resourceSearchRequest = z.object({ subject: entity, action, resource: searched, context: properties.optional(), page });
export const actionSearchRequest = z.object({ subject: entity, resource: entity, context: properties.optional(), page });

/** A zod failure as one sentence naming the field: "subject.id is required", "action.name must be a string". */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.map(String).join('.') || 'The body';
  if (issue.code === 'invalid_type') {
    if (/received undefined$/.test(issue.message)) return `${path} is required`;
    const noun = issue.expected === 'record' ? 'object' : issue.expected;
    return `${path} must be ${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
  }
  return `${path}: ${issue.message}`;
}

export function parseOr400<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new AuthzenRequestError(400, describeIssue(parsed.error));
  return parsed.data;
}

/**
 * An Access Evaluations request: its items with the top-level subject, action, resource and
 * context as defaults (an item's own key replaces the default whole), or null when `evaluations`
 * is absent or empty (then it is a single evaluation, answered as one).
 */
export function readEvaluations(body: unknown): { items: (EvaluationQuery | AuthzenError)[]; semantic: Semantic } | null {
  const top = parseOr400(evaluationsRequest, body);
  if (!top.evaluations?.length) return null;
  const defaults = { subject: top.subject, action: top.action, resource: top.resource, context: top.context };
  const items = top.evaluations.map((item, i): EvaluationQuery | AuthzenError => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return { status: 400, message: `evaluations.${i} must be an object` };
    const own = item as Record<string, unknown>;
    const merged = Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, k in own ? own[k] : v]));
    const parsed = evaluationRequest.safeParse(merged);
    return parsed.success ? parsed.data : { status: 400, message: `evaluations.${i}: ${describeIssue(parsed.error)}` };
  });
  return { items, semantic: top.options?.evaluations_semantic ?? 'execute_all' };
}

// ------------------------------------------------------------------------------------------
// Page tokens

/** JSON with its keys sorted, so the same entities always print the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What a token is bound to: the endpoint, the key, and the request's entities and context. */
export function fingerprintOf(scope: string, keyId: number, entities: Record<string, unknown>): string {
  return createHash('sha256')
    .update(`${scope}\n${keyId}\n${canonical(entities)}`)
    .digest('base64url')
    .slice(0, 22);
}

interface TokenContent {
  /** The key of the last result given. */
  a: number;
  /** The page size, kept for the next pages. */
  l: number;
  f: string;
}

export const encodePageToken = (after: number, limit: number, fingerprint: string) =>
  Buffer.from(JSON.stringify({ a: after, l: limit, f: fingerprint } satisfies TokenContent)).toString('base64url');

/**
 * The page a search request asks for. With a token, the entities and the limit must be those of
 * the request that gave it (the specification: a PDP should refuse a change mid-pagination).
 */
export function pageOf(requested: { token?: string; limit?: number } | undefined, fingerprint: string): { after: number | null; limit: number } {
  const limit = requested?.limit || undefined;
  if (!requested?.token) return { after: null, limit: limit ?? DEFAULT_PAGE_LIMIT };
  let content: Partial<TokenContent> | null = null;
  try {
    content = JSON.parse(Buffer.from(requested.token, 'base64url').toString('utf8')) as Partial<TokenContent>;
  } catch {
    // falls through: not a token of ours
  }
  if (!content || !Number.isSafeInteger(content.a) || !Number.isSafeInteger(content.l) || typeof content.f !== 'string') {
    throw new AuthzenRequestError(400, 'page.token is not a token this endpoint gave.');
  }
  if (content.f !== fingerprint)
    throw new AuthzenRequestError(
      400,
      'page.token belongs to another search: send the same subject, action, resource and context as the request that gave it.',
    );
  if (limit !== undefined && limit !== content.l) throw new AuthzenRequestError(400, `page.limit changed mid-pagination: keep ${content.l} or leave it out.`);
  return { after: content.a!, limit: content.l! };
}
