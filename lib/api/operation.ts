import 'server-only';
import { z } from 'zod';
import { authenticateApiKey, type AuthenticatedKey } from '@/lib/dal/api-keys';
import type { Principal } from '@/lib/dal/principal';
import { DalError } from '@/lib/dal/errors';
import { ApiError, errorResponse, etagOf, ifMatchVersion, invalidInput, jsonResponse, readJsonBody } from './http';
import { noteActor } from '@/lib/log/request-context';
import { apiRateLimiter } from './rate-limit';
import type { ApiErrorCode } from './error-codes';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export const METHODS: readonly Method[] = ['GET', 'POST', 'PATCH', 'DELETE'];

/** Bodies above this are refused unread (413); an operation may allow more (the batch authorize). */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

type AnyObject = z.ZodObject<z.ZodRawShape>;

export interface HandlerArgs<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> {
  ctx: Principal;
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  /** The row version `If-Match` names (`*`: whatever it is now); null for operations that take none. */
  expected: number | '*' | null;
}

export interface OperationResult<T> {
  body: T;
  /** The resource's row version after the call: sent as its ETag. */
  etag?: number;
  location?: string;
}

export interface Operation<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, B extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  method: Method;
  /** The path under /api/v1, OpenAPI style: `/users/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  maxBodyBytes?: number;
  /** A change of an existing resource: `If-Match` is required. */
  ifMatch?: boolean;
  /** A POST that changes nothing (a batch of questions): it cannot answer WRITE_ERRORS. */
  readsOnly?: boolean;
  status: 200 | 201 | 204;
  response?: R;
  /** Error codes this operation can answer besides those every operation can. */
  errors: readonly ApiErrorCode[];
  handle: (args: HandlerArgs<P, Q, B>) => OperationResult<z.input<R>> | Promise<OperationResult<z.input<R>>>;
}

/** Typed at the definition, stored as any operation: the registry mixes them. */
export function operation<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType>(spec: Operation<P, Q, B, R>): Operation {
  return spec as unknown as Operation;
}

/** Every operation can answer these: no or a bad key, too many calls, the database busy, a fault. */
export const COMMON_ERRORS: readonly ApiErrorCode[] = ['unauthenticated', 'rate-limited', 'unavailable', 'internal'];

/** Every change can answer these too: the key's user lost a permission while it was under way (see lib/dal/tx.ts). */
export const WRITE_ERRORS: readonly ApiErrorCode[] = ['conflict'];

export const changesSomething = (op: Operation) => op.method !== 'GET' && !op.readsOnly;

function bearer(request: Request): string | null {
  const header = request.headers.get('authorization');
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : 'malformed';
}

function parseWith<S extends z.ZodType>(schema: S | undefined, value: unknown): z.output<S> {
  if (!schema) return undefined as z.output<S>;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidInput(parsed.error);
  return parsed.data;
}

function queryObject(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) {
    if (k in out) throw new ApiError('invalid', `${k}: give it once`, { [k]: ['Given more than once'] });
    out[k] = v;
  }
  return out;
}

/**
 * Authenticate the key (fresh: revoked, expired or a deactivated user is refused now) and take a
 * token from its rate limit: every API call's first step, the REST API's and AuthZEN's
 * (lib/authzen/http.ts). `headers` (the rate limit's) go on the answer, whatever it is.
 */
export function authenticateCall(request: Request, headers: Record<string, string>): AuthenticatedKey {
  let auth;
  try {
    auth = authenticateApiKey(bearer(request));
  } catch (error) {
    if (!(error instanceof DalError) || error.code !== 'unauthenticated') throw error;
    throw new ApiError('unauthenticated', error.message, undefined, { 'www-authenticate': 'Bearer' });
  }
  noteActor(auth.principal.userId, auth.keyId);
  const limit = apiRateLimiter.take(auth.keyId, auth.rateLimitPerMinute);
  headers['ratelimit-limit'] = String(auth.rateLimitPerMinute);
  if (!limit.ok) {
    throw new ApiError('rate-limited', `This key may make ${auth.rateLimitPerMinute} calls a minute; try again in ${limit.retryAfterSeconds} s.`, undefined, {
      ...headers,
      'retry-after': String(limit.retryAfterSeconds),
      'ratelimit-remaining': '0',
    });
  }
  headers['ratelimit-remaining'] = String(limit.remaining);
  return auth;
}

/**
 * One API call: authenticate the key and take a token from its rate limit, parse the path, query,
 * If-Match and body at the boundary, then run the operation, which calls lib/dal verbs that
 * authorize on their own.
 */
async function run(op: Operation, request: Request, rawParams: Record<string, string>): Promise<Response> {
  const headers: Record<string, string> = {};
  try {
    const auth = authenticateCall(request, headers);
    const params = parseWith(op.params, rawParams);
    const query = parseWith(op.query ?? z.strictObject({}), queryObject(new URL(request.url)));
    const expected = op.ifMatch ? ifMatchVersion(request) : null;
    const body = op.body ? parseWith(op.body, await readJsonBody(request, op.maxBodyBytes ?? DEFAULT_BODY_LIMIT)) : undefined;
    const result = await op.handle({ ctx: auth.principal, params, query, body, expected });
    if (result.etag !== undefined) headers.etag = etagOf(result.etag);
    if (result.location) headers.location = `/api/v1${result.location}`;
    return jsonResponse(result.body, op.status, headers);
  } catch (error) {
    const response = errorResponse(error);
    for (const [k, v] of Object.entries(headers)) if (!response.headers.has(k)) response.headers.set(k, v);
    return response;
  }
}

type RouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** The route file's exports for one path: each method it defines, and a JSON 405 for the others. */
export function handlersFor(operations: readonly Operation[], path: string): Record<Method, RouteHandler> {
  const here = operations.filter((o) => o.path === path);
  if (!here.length) throw new Error(`No API operation is defined for ${path}`);
  const allow = here.map((o) => o.method).join(', ');
  const entries = METHODS.map((method): [Method, RouteHandler] => {
    const op = here.find((o) => o.method === method);
    if (!op) {
      return [method, async () => errorResponse(new ApiError('method-not-allowed', `${method} is not allowed here; use ${allow}.`, undefined, { allow }))];
    }
    return [method, async (request, context) => run(op, request, await context.params)];
  });
  return Object.fromEntries(entries) as Record<Method, RouteHandler>;
}

/** Where an `If-Match: *` or a version meets the resource's current version. */
export const expectedVersion = (expected: number | '*' | null, current: number) => (expected === '*' || expected === null ? current : expected);
