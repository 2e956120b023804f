import type { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the request log line says about who asked: filled by the app (the session → principal
 * step, the API key check) and read by the server (scripts/server.mjs) when the response ends.
 * The server creates the store; the app's bundle reaches it through this global key, so both
 * sides share one store although Next.js bundles the app separately.
 */
export interface RequestContext {
  id: string;
  userId?: number;
  apiKeyId?: number;
}

const KEY = Symbol.for('switchboard.request-context');

export function requestContext(): RequestContext | undefined {
  return (globalThis as { [KEY]?: AsyncLocalStorage<RequestContext> })[KEY]?.getStore();
}

/** Say who is asking, for the request's log line (never a secret: ids only). */
export function noteActor(userId: number, apiKeyId?: number): void {
  const context = requestContext();
  if (!context) return;
  context.userId = userId;
  if (apiKeyId !== undefined) context.apiKeyId = apiKeyId;
}
