import 'server-only';
import { randomUUID } from 'node:crypto';
import { ApiError, readBodyBytes } from '@/lib/api/http';
import { authenticateCall } from '@/lib/api/operation';
import { DalError } from '@/lib/dal/errors';
import type { Principal } from '@/lib/dal/principal';
import { logger } from '@/lib/log/logger';
import { AuthzenRequestError } from './request';

/**
 * The AuthZEN HTTPS binding: `Authorization: Bearer <API key>` as the REST API takes it (the
 * same key check and rate limit), a JSON object as the body, 200 with JSON on success, and on a
 * failure of the whole request its status with an error message string as the body (400 for a
 * body that is not JSON, not an object or misses a required field; 401; 413; 429; 503). The
 * caller's `X-Request-ID` comes back on every answer.
 */

/** A caller's request id is kept when it is printable ASCII of a sane length; otherwise one is made. */
export const REQUEST_ID = /^[\x21-\x7e](?:[\x20-\x7e]{0,254}[\x21-\x7e])?$/;

export function requestIdOf(request: Request): string {
  const given = request.headers.get('x-request-id');
  return given !== null && REQUEST_ID.test(given) ? given : randomUUID();
}

const BASE_HEADERS = { 'cache-control': 'no-store, no-transform', 'x-content-type-options': 'nosniff' };

export function authzenJson(body: unknown, requestId: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { ...BASE_HEADERS, 'content-type': 'application/json', 'x-request-id': requestId, ...headers },
  });
}

function errorText(status: number, message: string, requestId: string, headers: Record<string, string> = {}): Response {
  return new Response(message, { status, headers: { ...BASE_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'x-request-id': requestId, ...headers } });
}

async function jsonObjectBody(request: Request, limit: number): Promise<Record<string, unknown>> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new AuthzenRequestError(400, 'Send the body as JSON with "Content-Type: application/json".');
  let bytes: Buffer;
  try {
    bytes = await readBodyBytes(request, limit);
  } catch (error) {
    if (error instanceof ApiError) throw new AuthzenRequestError(413, error.message);
    throw error;
  }
  const text = new TextDecoder('utf-8').decode(bytes);
  if (!text.trim()) throw new AuthzenRequestError(400, 'The body is empty; send a JSON object.');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new AuthzenRequestError(400, `The body is not valid JSON (${error instanceof SyntaxError ? error.message : 'parse error'}).`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AuthzenRequestError(400, 'The body must be a JSON object.');
  return body as Record<string, unknown>;
}

export interface AuthzenCall {
  ctx: Principal;
  keyId: number;
  body: Record<string, unknown>;
}

/** A POST endpoint of the Authorization API: key, rate limit, body, then `answer`. */
export function authzenEndpoint(answer: (call: AuthzenCall) => unknown, { maxBodyBytes = 64 * 1024 } = {}): (request: Request) => Promise<Response> {
  return async (request) => {
    const requestId = requestIdOf(request);
    const headers: Record<string, string> = {};
    try {
      const auth = authenticateCall(request, headers);
      const body = await jsonObjectBody(request, maxBodyBytes);
      return authzenJson(answer({ ctx: auth.principal, keyId: auth.keyId, body }), requestId, headers);
    } catch (error) {
      if (error instanceof AuthzenRequestError) return errorText(error.status, error.message, requestId, { ...headers, ...error.headers });
      if (error instanceof ApiError && (error.code === 'unauthenticated' || error.code === 'rate-limited')) {
        return errorText(error.code === 'unauthenticated' ? 401 : 429, error.message, requestId, { ...headers, ...error.headers });
      }
      if (error instanceof DalError && error.code === 'unavailable') return errorText(503, error.message, requestId, { ...headers, 'retry-after': '1' });
      logger.error({ err: error }, 'AuthZEN error');
      return errorText(500, 'Something went wrong on our side. Try again.', requestId, headers);
    }
  };
}

/**
 * The origin a request was sent to, as the caller sees it: the Host header (behind a reverse proxy
 * that the operator trusts, SWITCHBOARD_TRUST_PROXY=1, X-Forwarded-Host and -Proto), the scheme
 * of the request otherwise.
 */
export function originOf(request: Request): string {
  const url = new URL(request.url);
  const trustProxy = process.env.SWITCHBOARD_TRUST_PROXY === '1';
  const host = (trustProxy && request.headers.get('x-forwarded-host')?.split(',')[0]?.trim()) || request.headers.get('host') || url.host;
  const proto = (trustProxy && request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim()) || url.protocol.replace(/:$/, '');
  return `${proto}://${host}`.toLowerCase();
}
