import { NextResponse, type NextRequest } from 'next/server';
import { isSameOrigin } from '@/lib/http/origin';

/** Same as `serverActions.bodySizeLimit` in next.config.ts. */
const ACTION_BODY_LIMIT = 64 * 1024;

const plain = (status: number, text: string) =>
  new NextResponse(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });

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
  if (!isSameOrigin(request)) return plain(403, 'This request must come from the console itself; nothing was changed.');
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > ACTION_BODY_LIMIT) return plain(413, `The request is larger than ${ACTION_BODY_LIMIT / 1024} kB; nothing was changed.`);
  const body = await boundedBody(request, ACTION_BODY_LIMIT);
  if (body === null) return plain(413, `The request is larger than ${ACTION_BODY_LIMIT / 1024} kB; nothing was changed.`);
  const type = request.headers.get('content-type') ?? '';
  const invalid = plain(400, 'The request body is not valid; nothing was changed.');
  if (/^multipart\/form-data\b/i.test(type)) {
    // A form (sign-in, or one posted without script): it must parse, and carry text only (no files);
    // its values are what people typed, "$" or not.
    try {
      const form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': type }, body: body as BodyInit }).formData();
      for (const [, value] of form) if (typeof value !== 'string') return invalid;
    } catch {
      return invalid;
    }
  } else if (request.headers.has('next-action')) {
    // A server action's arguments travel as a JSON list of plain values.
    try {
      const args: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
      if (!Array.isArray(args) || !consoleValue(args)) return invalid;
    } catch {
      return invalid;
    }
  }
  return null;
}

/**
 * What the console's own forms send to an action: plain JSON values. React's wire format marks its
 * special values with a leading "$" (an escaped "$" is "$$"); the console sends none but undefined,
 * dates and the numbers JSON lacks, so any other reference (a Map, a Blob, a promise, a server
 * reference, a path into another value) is a crafted call and refused here, not a 500 in React.
 */
const PLAIN_MARKS = /^\$(\$|undefined$|D\d|n-?\d|-0$|Infinity$|-Infinity$|NaN$)/;
function consoleValue(value: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (typeof value === 'string') return !value.startsWith('$') || PLAIN_MARKS.test(value);
  if (Array.isArray(value)) return value.every((v) => consoleValue(v, depth + 1));
  if (value && typeof value === 'object') return Object.entries(value).every(([k, v]) => !k.startsWith('$') && consoleValue(v, depth + 1));
  return true;
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
  // A page answers reads, and writes as POST: any other method is a client's mistake, not a page render (or a 500).
  if (!['GET', 'HEAD', 'POST', 'OPTIONS'].includes(request.method)) {
    return new NextResponse('This method is not allowed here.', {
      status: 405,
      headers: { allow: 'GET, HEAD, POST', 'content-type': 'text/plain; charset=utf-8' },
    });
  }
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
  matcher: [{ source: '/((?!api/|access/|\\.well-known/|_next/static/|_next/image|favicon\\.ico$|icon\\.svg$|robots\\.txt$).*)' }],
};
