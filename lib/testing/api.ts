import { OPERATIONS } from '@/lib/api/registry';
import { handlersFor, type Method } from '@/lib/api/operation';

/**
 * The REST API called as a client would, in-process: the real route handlers (key check, rate
 * limit, zod boundary, dal), a real Request with the key in `Authorization`. Only the HTTP server
 * is left out.
 */
export async function callApi(
  token: string,
  method: Method,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL(path, 'http://127.0.0.1');
  const at = url.pathname.replace(/^\/api\/v1/, '');
  for (const template of new Set(OPERATIONS.map((o) => o.path))) {
    const names: string[] = [];
    const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, (_m, name: string) => (names.push(name), '([^/]+)'))}$`);
    const match = pattern.exec(at);
    if (!match) continue;
    const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)]));
    const request = new Request(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const response = await handlersFor(OPERATIONS, template)[method](request, { params: Promise.resolve(params) });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }
  throw new Error(`no API operation answers ${method} ${path}`);
}
