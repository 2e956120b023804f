import { getPrincipal } from '@/lib/auth/principal';
import { DalError, exportUsersCsv } from '@/lib/dal';

/** GET /users/export?…filters: the users the list shows, as CSV. */
export async function GET(request: Request) {
  const ctx = await getPrincipal();
  if (!ctx) return new Response('Sign in first.', { status: 401 });
  const params = Object.fromEntries(new URL(request.url).searchParams);
  delete params.after;
  delete params.before;
  try {
    const csv = exportUsersCsv({ ctx, input: params });
    return new Response(csv, {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="users-${new Date().toISOString().slice(0, 10)}.csv"`,
        'cache-control': 'no-store',
      },
    });
  } catch (error) {
    if (error instanceof DalError) return new Response(error.message, { status: error.code === 'forbidden' ? 403 : 400 });
    console.error('[switchboard] export failed', error);
    return new Response('The export failed; nothing was changed. Try again.', { status: 500 });
  }
}
