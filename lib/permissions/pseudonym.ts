import { createHmac } from 'node:crypto';

/**
 * A stable pseudonym for a user: the same user always gets the same one (so a reader can follow
 * one person through the log), and without the key nobody can tell who it is.
 */
export function pseudonym(key: string, userId: number | string): string {
  const digest = createHmac('sha256', key).update(String(userId)).digest('hex');
  return `User ${digest.slice(0, 8).toUpperCase()}`;
}

const IDENTIFYING = new Set(['loginName', 'email', 'name', 'nickname']);

/**
 * A copy of an audit value where every person listed as `{ id, loginName, … }` appears under his
 * pseudonym, without his id (which would lead to his page).
 */
export function redactPeople(value: unknown, alias: (userId: number) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => redactPeople(v, alias));
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.id === 'number' && 'loginName' in o) {
      const { id, ...rest } = o;
      return redactIdentity(rest, alias(id as number));
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, redactPeople(v, alias)]));
  }
  return value;
}

/** A copy of an audit value with the fields that identify a person replaced by the pseudonym. */
export function redactIdentity(value: unknown, alias: string): unknown {
  if (Array.isArray(value)) return value.map((v) => redactIdentity(v, alias));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, IDENTIFYING.has(k) ? alias : redactIdentity(v, alias)]));
  }
  return value;
}
