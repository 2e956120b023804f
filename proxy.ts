import { NextResponse, type NextRequest } from 'next/server';

/** Same as `serverActions.bodySizeLimit` in next.config.ts. */
const ACTION_BODY_LIMIT = 64 * 1024;

const plain = (status: number, text: string) =>
  new NextResponse(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });

/**
 * The console's own origin as the browser sees it: the Host header; behind a reverse proxy the
 * operator says so (SWITCHBOARD_TRUST_PROXY=1) and X-Forwarded-Host / -Proto are believed instead.
 */
function expectedOrigin(request: NextRequest): string | null {
  const trustProxy = process.env.SWITCHBOARD_TRUST_PROXY === '1';
  const host = (trustProxy && request.headers.get('x-forwarded-host')?.split(',')[0]?.trim()) || request.headers.get('host');
  const proto = (trustProxy && request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim()) || request.nextUrl.protocol.replace(/:$/, '');
  return host ? `${proto}://${host}`.toLowerCase() : null;
}

/** The Origin header, normalized to scheme://host[:port]; null when absent, "null" or malformed. */
function originOf(request: NextRequest): string | null {
  const origin = request.headers.get('origin');
  if (!origin || origin === 'null') return null;
  try {
    const url = new URL(origin);
    return url.origin.toLowerCase();
  } catch {
    return null;
  }
}

/** The body, read up to `limit` bytes whatever its transfer encoding; null when it is longer. */
async function boundedBody(request: NextRequest, limit: number): Promise<Uint8Array | null> {
  const reader = request.clone().body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * A write to a page (a server action, or any POST that is not the API's): from this origin only
 * (403), at most ACTION_BODY_LIMIT bytes however it is sent (413), and a server action's arguments
 * must be what the console's own forms send (400): Next.js would answer all of these with a 500.
 */
async function checkPageWrite(request: NextRequest): Promise<NextResponse | null> {
  const origin = originOf(request);
  if (!origin || origin !== expectedOrigin(request)) return plain(403, 'This request must come from the console itself; nothing was changed.');
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > ACTION_BODY_LIMIT) return plain(413, `The request is larger than ${ACTION_BODY_LIMIT / 1024} kB; nothing was changed.`);
  const body = await boundedBody(request, ACTION_BODY_LIMIT);
  if (body === null) return plain(413, `The request is larger than ${ACTION_BODY_LIMIT / 1024} kB; nothing was changed.`);
  if (request.headers.has('next-action')) {
    const type = request.headers.get('content-type') ?? '';
    if (/^multipart\/form-data\b/i.test(type)) return null;
    // A server action's arguments travel as a JSON array.
    try {
      const args: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
      if (!Array.isArray(args)) throw new Error('not a list');
    } catch {
      return plain(400, 'The request body is not valid; nothing was changed.');
    }
  }
  return null;
}

/** The headers every HTML page carries: a strict CSP with this response's nonce, no framing, no referrer leaks. */
function pageHeaders(nonce: string): Record<string, string> {
  const dev = process.env.NODE_ENV === 'development';
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // Tailwind's stylesheet is a file; React and the dialogs set a few style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'content-security-policy': csp,
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'x-content-type-options': 'nosniff',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    'cross-origin-opener-policy': 'same-origin',
  };
}

/**
 * The writes checkPageWrite guards: any request to a page that is not a read (a server action, a
 * form posted without script, which Next.js treats as an action too), except the CSV import route,
 * which takes its own, larger body and checks its own origin.
 */
function isPageWrite(request: NextRequest): boolean {
  if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return false;
  return request.nextUrl.pathname !== '/users/import/csv';
}

export async function proxy(request: NextRequest) {
  if (isPageWrite(request)) {
    const refused = await checkPageWrite(request);
    if (refused) return refused;
  }
  // Next.js reads the nonce from the request's CSP header and puts it on its own scripts.
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const headers = pageHeaders(nonce);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('content-security-policy', headers['content-security-policy']!);
  requestHeaders.set('x-nonce', nonce);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  return response;
}

export const config = {
  // Pages and their server actions; not the APIs (the REST API, AuthZEN's /access/v1 and its
  // /.well-known metadata: their own pipelines answer them), nor static files.
  matcher: [{ source: '/((?!api/|access/|\\.well-known/|_next/static|_next/image|favicon.ico|icon.svg|robots.txt).*)' }],
};
