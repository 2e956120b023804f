import 'server-only';
import { getPrincipal } from '@/lib/auth/principal';
import { ERROR_STATUS } from '@/lib/api/error-codes';
import { DalError } from '@/lib/dal/errors';
import type { Principal } from '@/lib/dal/principal';
import { logger } from '@/lib/log/logger';

/**
 * The whole body of a CSV download route: the signed-in principal and the URL's filters (page
 * cursors dropped) go to one dal function, which authorizes and checks them before returning the
 * body; a refusal or bad filters answer the API's status for their code (lib/api/error-codes), with the message.
 */
export async function csvDownload(request: Request, name: string, produce: (ctx: Principal, filters: Record<string, string>) => BodyInit): Promise<Response> {
  const ctx = await getPrincipal();
  if (!ctx) return new Response('Sign in first.', { status: 401 });
  const filters = Object.fromEntries(new URL(request.url).searchParams);
  for (const cursor of ['after', 'before', 'deniedBefore']) delete filters[cursor];
  try {
    return new Response(produce(ctx, filters), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${name}-${new Date().toISOString().slice(0, 10)}.csv"`,
        'cache-control': 'no-store',
      },
    });
  } catch (error) {
    if (error instanceof DalError) return new Response(error.message, { status: ERROR_STATUS[error.code] });
    logger.error({ err: error, export: name }, 'export failed');
    return new Response('The export failed; nothing was changed. Try again.', { status: 500 });
  }
}
