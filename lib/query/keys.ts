/**
 * TanStack Query keys, one factory per entity (Supabase Studio's pattern): a key starts with its
 * entity, so invalidating `['profiles']` reaches every profile query, `profileKeys.detail(7)` one
 * profile's. Keys hold plain, serializable values only: the server prefetches with the same key
 * the client reads (see components/shell/providers.tsx).
 */
export const profileKeys = {
  all: ['profiles'] as const,
  detail: (id: number) => ['profiles', id] as const,
  /** The named impact of a change to a profile: who is affected, what each group gains and loses. */
  impact: (id: number | null, change: unknown, search: string, after: string | null) => ['profiles', id ?? 'new', 'impact', change, search, after] as const,
};

export const roleKeys = {
  all: ['roles'] as const,
  detail: (key: string) => ['roles', key] as const,
};

export const userKeys = {
  all: ['users'] as const,
  detail: (id: number) => ['users', id] as const,
};

export const groupKeys = { all: ['groups'] as const };
export const skillKeys = { all: ['skills'] as const };
export const apiKeyKeys = {
  all: ['api-keys'] as const,
  permissionChoices: (userId: number) => ['api-keys', 'permission-choices', userId] as const,
};
export const settingsKeys = { all: ['settings'] as const };
