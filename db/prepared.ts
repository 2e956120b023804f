/**
 * A statement prepared once per owner (the connection, or one transaction) and reused: drizzle
 * builds its SQL and SQLite compiles it only the first time. For queries a hot path runs thousands
 * of times (an import writes 10,000 users in one transaction); elsewhere a query built per call
 * reads better. The connection runs one transaction at a time, so a statement prepared on it runs
 * inside whichever transaction is open.
 */
const cache = new WeakMap<object, Map<string, unknown>>();

export function preparedFor<T>(owner: object, key: string, build: () => T): T {
  let statements = cache.get(owner);
  if (!statements) cache.set(owner, (statements = new Map()));
  let statement = statements.get(key) as T | undefined;
  if (statement === undefined) statements.set(key, (statement = build()));
  return statement;
}
