/**
 * Is this request from the console's own origin? The Origin header's scheme, host and port must
 * equal the console's as the browser sees it: the Host header and the request's scheme, or, when
 * the operator says a reverse proxy is in front (SWITCHBOARD_TRUST_PROXY=1), X-Forwarded-Host and
 * X-Forwarded-Proto. Hosts compare exactly, as Next.js's own server-action check does (a request it
 * would refuse with a 500 is refused here first). A missing, "null" or malformed Origin is not.
 */
export function isSameOrigin(request: Request): boolean {
  const origin = request.headers.get('origin');
  if (!origin || origin === 'null') return false;
  let given: URL;
  try {
    given = new URL(origin);
  } catch {
    return false;
  }
  const trustProxy = process.env.SWITCHBOARD_TRUST_PROXY === '1';
  const first = (name: string) => request.headers.get(name)?.split(',')[0]?.trim() || null;
  const host = (trustProxy && first('x-forwarded-host')) || request.headers.get('host');
  const proto = (trustProxy && first('x-forwarded-proto')) || new URL(request.url).protocol.replace(/:$/, '');
  return host !== null && given.protocol === `${proto}:` && given.host === host && `${given.protocol}//${given.host}` === origin.replace(/\/$/, '');
}
