import { POST as evaluation } from '@/app/access/v1/evaluation/route';
import { POST as evaluations } from '@/app/access/v1/evaluations/route';
import { POST as searchSubject } from '@/app/access/v1/search/subject/route';
import { POST as searchResource } from '@/app/access/v1/search/resource/route';
import { POST as searchAction } from '@/app/access/v1/search/action/route';
import { GET as configuration } from '@/app/access/well-known/authzen-configuration/route';

const ROUTES = {
  '/access/v1/evaluation': evaluation,
  '/access/v1/evaluations': evaluations,
  '/access/v1/search/subject': searchSubject,
  '/access/v1/search/resource': searchResource,
  '/access/v1/search/action': searchAction,
} as const;
export type AuthzenPath = keyof typeof ROUTES;

export interface AuthzenAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON, or the error message string of a failed request. */
  body: unknown;
  text: string;
}

async function answerOf(response: Response): Promise<AuthzenAnswer> {
  const text = await response.text();
  const json = /^application\/json/.test(response.headers.get('content-type') ?? '');
  return { status: response.status, headers: response.headers, body: json ? (JSON.parse(text) as unknown) : text, text };
}

/**
 * An AuthZEN endpoint called as a PEP would, in-process: the real route handler (key check, rate
 * limit, body, dal) with a real Request. `body` is sent as JSON unless it is a string (sent as
 * is); `headers` replace the defaults (a key in Authorization, Content-Type: application/json).
 */
export async function callAuthzen(token: string | null, path: AuthzenPath, body: unknown, headers: Record<string, string | null> = {}): Promise<AuthzenAnswer> {
  const all: Record<string, string | null> = { authorization: token === null ? null : `Bearer ${token}`, 'content-type': 'application/json', ...headers };
  const request = new Request(new URL(path, 'http://127.0.0.1:3000'), {
    method: 'POST',
    headers: Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== null)),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return answerOf(await ROUTES[path](request));
}

/** The PDP metadata, fetched from `origin` (its Host header). */
export async function fetchConfiguration(origin: string, headers: Record<string, string> = {}): Promise<AuthzenAnswer> {
  const url = new URL('/.well-known/authzen-configuration', origin);
  return answerOf(await configuration(new Request(url, { headers: { host: url.host, ...headers } })));
}
