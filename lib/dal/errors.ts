import { z } from 'zod';
import { logger } from '@/lib/log/logger';

/**
 * - `stale`: the row changed since the caller read it (its version does not match): reload.
 * - `conflict`: the change contradicts the current state (in use, has a history, not empty).
 */
export type DalErrorCode = 'unauthenticated' | 'forbidden' | 'not-found' | 'invalid' | 'stale' | 'conflict' | 'unavailable';

/** A refusal or failure a person can read: it names what is wrong, never how the code works. */
export class DalError extends Error {
  /**
   * A refusal thrown inside a write transaction is recorded in the security log after the
   * rollback (recorded inside it, the rollback would erase it): see writeTransaction.
   */
  recordAfterRollback?: () => void;

  constructor(
    readonly code: DalErrorCode,
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'DalError';
  }
}

export type ActionResult<T = undefined> =
  { ok: true; data: T; message?: string } | { ok: false; error: string; code: DalErrorCode | 'internal'; fieldErrors?: Record<string, string[]> };

/** The fields of a zod error, by field name, for forms that show each message by its input. */
export function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = issue.path.length ? issue.path.join('.') : 'form';
    (out[field] ??= []).push(issue.message);
  }
  return out;
}

/** Parse input at the boundary: a bad value becomes an "invalid" DalError naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fieldErrors = fieldErrorsOf(parsed.error);
  // Every field's first problem, in the words of its label ("Login name is required"): the
  // schemas' messages name their field, so no raw key reaches a person.
  const sentences = Object.values(fieldErrors).map(([m]) => (/[.!?]$/.test(m!) ? m! : `${m}.`));
  throw new DalError('invalid', sentences.join(' ') || 'Invalid input.', fieldErrors);
}

/** Turn anything thrown by a verb into a small serializable result; never leak a stack trace. */
export function toActionResult(error: unknown): Extract<ActionResult, { ok: false }> {
  if (error instanceof DalError) {
    return { ok: false, error: error.message, code: error.code, ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}) };
  }
  logger.error({ err: error }, 'unexpected error');
  return { ok: false, error: 'Something went wrong on our side; nothing was changed. Try again.', code: 'internal' };
}
