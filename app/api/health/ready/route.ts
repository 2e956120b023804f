import { readiness } from '@/lib/health';

export const dynamic = 'force-dynamic';

/** Readiness for orchestrators: 200 when the console can serve, 503 naming what is wrong. */
export function GET(): Response {
  const { ready, problems } = readiness();
  return Response.json(ready ? { status: 'ready' } : { status: 'not-ready', problems }, {
    status: ready ? 200 : 503,
    headers: { 'cache-control': 'no-store' },
  });
}
