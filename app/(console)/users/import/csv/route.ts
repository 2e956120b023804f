import { ERROR_STATUS } from '@/lib/api/error-codes';
import { isSameOrigin } from '@/lib/http/origin';
import { revalidatePath } from 'next/cache';
import { getPrincipal } from '@/lib/auth/principal';
import { ApiError, readBodyBytes } from '@/lib/api/http';
import { DalError, importUsers, toActionResult, type ActionResult, type ImportReport } from '@/lib/dal';
import { MAX_IMPORT_BYTES } from '@/lib/schemas/users';

/**
 * POST /users/import/csv?mode=preview|apply, the CSV file as the body (Content-Type: text/csv).
 * A route rather than a server action: a 10,000-user file is about a megabyte, and server actions
 * are capped far lower on purpose (next.config.ts). It answers like an action: an ActionResult.
 *
 * Cookies authenticate it, so it takes only what a cross-site page cannot send: a text/csv body
 * (a form can't, a cross-origin fetch needs a preflight nobody grants) from this origin.
 */
export async function POST(request: Request): Promise<Response> {
  const refuse = (status: number, error: Extract<ActionResult, { ok: false }>) => Response.json(error, { status, headers: { 'cache-control': 'no-store' } });
  if (!isSameOrigin(request)) {
    return refuse(403, { ok: false, code: 'forbidden', error: 'Import from the Users page of this console.' });
  }
  if (!/^text\/csv\b/i.test(request.headers.get('content-type') ?? '')) {
    return refuse(415, { ok: false, code: 'invalid', error: 'Send the file as CSV (Content-Type: text/csv).', fieldErrors: { csv: ['Not CSV'] } });
  }
  const mode = new URL(request.url).searchParams.get('mode');
  if (mode !== 'preview' && mode !== 'apply') {
    return refuse(400, { ok: false, code: 'invalid', error: 'mode: say preview or apply.', fieldErrors: { mode: ['Say preview or apply'] } });
  }
  try {
    const ctx = await getPrincipal();
    if (!ctx) throw new DalError('unauthenticated', 'Your session has ended; sign in again.');
    let csv: string;
    try {
      csv = new TextDecoder('utf-8', { fatal: true }).decode(await readBodyBytes(request, MAX_IMPORT_BYTES));
    } catch (error) {
      if (error instanceof ApiError)
        throw new DalError('invalid', `The file is too large (at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB).`, { csv: ['Too large'] });
      // Excel's plain "CSV" is Windows-1252: accents would arrive garbled, so say how to save it.
      throw new DalError('invalid', 'The file is not UTF-8 text. In Excel, save it as "CSV UTF-8"; in other programs choose the UTF-8 encoding.', {
        csv: ['Not UTF-8'],
      });
    }
    const report = await importUsers({ ctx, input: { csv, preview: mode === 'preview' } });
    if (report.applied) revalidatePath('/users');
    return Response.json({ ok: true, data: report } satisfies ActionResult<ImportReport>, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    const result = toActionResult(error);
    return refuse(ERROR_STATUS[result.code], result);
  }
}
