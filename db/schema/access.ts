import { sqliteTable, integer, text, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import { users } from './users';
import { LEVELS, type Level } from '@/lib/permissions/channels';

/**
 * Roles: the catalog's built-in roles (mirrored here so profiles can reference them) and
 * custom roles derived from one of them.
 */
export const roles = sqliteTable(
  'roles',
  {
    key: text('key').primaryKey(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    rank: integer('rank').notNull(),
    builtIn: integer('built_in', { mode: 'boolean' }).notNull(),
    /** For a custom role: the built-in role it is based on. */
    baseRoleKey: text('base_role_key'),
    /** For a custom role: the configurable permissions of its base that are on by default. */
    defaults: text('defaults', { mode: 'json' }).$type<string[]>(),
    rowVersion: integer('row_version').notNull().default(1),
    createdAt: integer('created_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [uniqueIndex('roles_name_uq').on(sql`${t.name} collate nocase`)],
);

/**
 * A named permission set within one role, versioned. Holders of a profile are on
 * max(their assignment's version, floorVersion): "Save and apply" raises the floor (one row),
 * "Save for new users only" leaves it, so nobody is rewritten one by one.
 */
export const profiles = sqliteTable(
  'profiles',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    roleKey: text('role_key')
      .notNull()
      .references(() => roles.key, { onDelete: 'restrict' }),
    isDefault: integer('is_default', { mode: 'boolean' }).notNull().default(false),
    headVersion: integer('head_version').notNull().default(1),
    floorVersion: integer('floor_version').notNull().default(1),
    rowVersion: integer('row_version').notNull().default(1),
    updatedBy: integer('updated_by'),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [uniqueIndex('profiles_name_uq').on(sql`${t.name} collate nocase`), index('profiles_role_idx').on(t.roleKey)],
);

export const profileVersions = sqliteTable(
  'profile_versions',
  {
    profileId: integer('profile_id')
      .notNull()
      .references(() => profiles.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    /** JSON array of the configurable permission keys switched on. */
    permissions: text('permissions', { mode: 'json' }).$type<string[]>().notNull(),
    /** JSON object: the channel levels this version sets (a sub-channel left out follows its main channel). */
    channels: text('channels', { mode: 'json' })
      .$type<Record<string, Level>>()
      .notNull()
      .default(sql`'{}'`),
    note: text('note').notNull().default(''),
    createdBy: integer('created_by'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [primaryKey({ columns: [t.profileId, t.version] })],
);

/** Up to four profiles per user, at most one per role (the primary key says so). */
export const userProfiles = sqliteTable(
  'user_profiles',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    roleKey: text('role_key')
      .notNull()
      .references(() => roles.key, { onDelete: 'restrict' }),
    profileId: integer('profile_id')
      .notNull()
      .references(() => profiles.id, { onDelete: 'restrict' }),
    /** The profile version current when it was assigned; see profiles.floorVersion. */
    version: integer('version').notNull(),
    /**
     * Who gave it: a person ('manual') or a directory group's mapping ('directory'). Membership
     * changes add and remove only what a mapping gave; what an admin gave by hand stays.
     */
    source: text('source', { enum: ['manual', 'directory'] })
      .notNull()
      .default('manual'),
  },
  (t) => [primaryKey({ columns: [t.userId, t.roleKey] }), index('user_profiles_profile_idx').on(t.profileId, t.userId)],
);

export const OVERRIDE_EFFECTS = ['grant', 'revoke', 'level'] as const;

/** Per-user exceptions: grant or revoke one permission, or set one channel's level; with a reason and an optional expiry. */
export const userOverrides = sqliteTable(
  'user_overrides',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The permission; for a "level" override, the channel. */
    permissionKey: text('permission_key').notNull(),
    effect: text('effect', { enum: OVERRIDE_EFFECTS }).notNull(),
    /** For a "level" override: the channel level it sets. */
    level: text('level', { enum: LEVELS }),
    reason: text('reason').notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }),
    createdBy: integer('created_by').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [index('user_overrides_user_idx').on(t.userId)],
);

/** Account features decide "Dependent on account" defaults and switch dependent permissions off. */
export const accountFeatures = sqliteTable('account_features', {
  key: text('key').primaryKey(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull(),
  rowVersion: integer('row_version').notNull().default(1),
});

/** Key/value settings of this installation: the preset seeded, the auth secret. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
