import * as t from './schema';

/** An override's own columns, as every reader of overrides selects them (the engine, the user page, audit state). */
export const overrideColumns = {
  id: t.userOverrides.id,
  permissionKey: t.userOverrides.permissionKey,
  effect: t.userOverrides.effect,
  level: t.userOverrides.level,
  reason: t.userOverrides.reason,
  expiresAt: t.userOverrides.expiresAt,
};
