import { NextResponse, type NextRequest } from 'next/server';

/** Same as `serverActions.bodySizeLimit` in next.config.ts. */
const ACTION_BODY_LIMIT = 64 * 1024;

/**
 * A server action call whose body is over the limit is refused here with a 413: Next.js would
 * refuse it too, but as a 500. Runs only for requests that carry the `Next-Action` header.
 */
export function proxy(request: NextRequest) {
  const length = Number(request.headers.get('content-length') ?? 0);
  if (length > ACTION_BODY_LIMIT) {
    return new NextResponse(`The request is larger than ${ACTION_BODY_LIMIT / 1024} kB; nothing was changed.`, {
      status: 413,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
  return NextResponse.next();
}

export const config = {
  matcher: [{ source: '/:path*', has: [{ type: 'header', key: 'next-action' }] }],
};
