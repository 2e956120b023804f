import 'server-only';
import { unstable_rethrow } from 'next/navigation';
import { toActionResult, type ActionResult } from '@/lib/dal/errors';

/**
 * The whole body of a server action: run one dal verb and turn the outcome into a small
 * serializable result. Redirects pass through; any other error becomes a readable message.
 */
export async function runAction<T>(fn: () => T | Promise<T>, message?: string): Promise<ActionResult<T>> {
  try {
    const data = await fn();
    return { ok: true, data, ...(message ? { message } : {}) };
  } catch (error) {
    unstable_rethrow(error);
    return toActionResult(error);
  }
}
