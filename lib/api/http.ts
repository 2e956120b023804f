import 'server-only';
import { DalError, fieldErrorsOf } from '@/lib/dal/errors';
import { logger } from '@/lib/log/logger';
import type { z } from 'zod';
import { ERROR_STATUS, type ApiErrorCode } from './error-codes';

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly fields?: Record<string, string[]>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const BASE_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/**
 * Answers shorter than this (in characters) go out as they are (`no-transform` keeps Next.js from gzipping them).
 * A program asking close by waits longer for gzip than for the bytes: on two cores compressing a
 * 4 kB batch-authorize answer (and the caller inflating it) took 1.5 ms of a 5 ms call.
 */
export const COMPRESS_FROM_CHARS = 32 * 1024;

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const text = status === 204 ? null : JSON.stringify(body);
  const small = text === null || text.length < COMPRESS_FROM_CHARS;
  return new Response(text, {
    status,
    headers: {
      ...BASE_HEADERS,
      ...(small ? { 'cache-control': 'no-store, no-transform' } : {}),
      ...(text === null ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      ...headers,
    },
  });
}

/** Anything thrown while answering, as the API's error shape. Never a stack trace. */
export function errorResponse(error: unknown): Response {
  const e = toApiError(error);
  const body = { error: { code: e.code, message: e.message, ...(e.fields ? { fields: e.fields } : {}) } };
  return jsonResponse(body, ERROR_STATUS[e.code], e.headers);
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof DalError) {
    if (error.code === 'unavailable') return new ApiError('unavailable', error.message, undefined, { 'retry-after': '1' });
    return new ApiError(error.code, error.message, error.fieldErrors);
  }
  logger.error({ err: error }, 'API error');
  return new ApiError('internal', 'Something went wrong on our side; nothing was changed. Try again.');
}

/** A zod failure at the API's boundary: 400 naming each field, the first one in the message. */
export function invalidInput(error: z.ZodError): ApiError {
  const fields = fieldErrorsOf(error);
  const [field, messages] = Object.entries(fields)[0] ?? ['form', ['Invalid input']];
  return new ApiError('invalid', field === 'form' ? messages[0]! : `${field}: ${messages[0]}`, fields);
}

/**
 * The request body as JSON, refusing more than `limit` bytes before reading it all (by its
 * Content-Length, then while it streams: a chunked body cannot slip past).
 */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new ApiError('unsupported-media-type', 'Send the body as JSON with "Content-Type: application/json".');
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(await readBodyBytes(request, limit));
  if (!text.trim()) throw new ApiError('invalid-json', 'The body is empty; send a JSON object.');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError('invalid-json', `The body is not valid JSON (${error instanceof SyntaxError ? error.message : 'parse error'}).`);
  }
}

/** The request body's bytes, refusing more than `limit` by its Content-Length, then while it streams. */
export async function readBodyBytes(request: Request, limit: number): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  const tooLarge = () => new ApiError('payload-too-large', `The body is larger than ${limit.toLocaleString('en')} bytes.`);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  return Buffer.concat(chunks);
}

/** The strong ETag of a resource at a row version. */
export const etagOf = (rowVersion: number) => `"${rowVersion}"`;

/**
 * The row version a write expects, from `If-Match`. Required on every change of an existing
 * resource: without it a program would overwrite what it never saw. `*` means "whatever it is now".
 */
export function ifMatchVersion(request: Request): number | '*' {
  const header = request.headers.get('if-match');
  if (!header)
    throw new ApiError('precondition-required', 'Send "If-Match" with the ETag from reading the resource, so you never overwrite a change you have not seen.');
  if (header.trim() === '*') return '*';
  const match = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(header);
  if (!match) throw new ApiError('stale', "If-Match does not match the resource's ETag: read it again.");
  return Number(match[1]);
}
