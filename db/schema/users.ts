import { sqliteTable, integer, text, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import { groups, skills } from './groups';

export const USER_STATUSES = ['active', 'deactivated'] as const;

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    loginName: text('login_name').notNull(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    /** The name visitors see in a conversation. */
    nickname: text('nickname').notNull(),
    /** argon2id, never the password itself. */
    passwordHash: text('password_hash').notNull(),
    status: text('status', { enum: USER_STATUSES }).notNull().default('active'),
    groupId: integer('group_id').references(() => groups.id, { onDelete: 'restrict' }),
    /** Agent role only: how many conversations he may hold at once. */
    maxChats: integer('max_chats'),
    /** Bumped on deactivation, password or permission change: older sessions are refused. */
    sessionVersion: integer('session_version').notNull().default(1),
    /** The identity provider's id for this user (SCIM `externalId`); opaque to Switchboard. */
    externalId: text('external_id'),
    /**
     * Set when an identity provider provisions this user over SCIM: it then owns his login name,
     * name, nickname, email and status, and the console shows those fields as the directory's.
     */
    provisionedBy: text('provisioned_by', { enum: ['scim'] }),
    /** SCIM DELETE: deactivated and detached, no longer a SCIM resource; his audit history stays. */
    deprovisionedAt: integer('deprovisioned_at', { mode: 'timestamp_ms' }),
    /** Off for an SSO-only user: his password (if any) is refused like a wrong one. */
    passwordSignIn: integer('password_sign_in', { mode: 'boolean' }).notNull().default(true),
    rowVersion: integer('row_version').notNull().default(1),
    createdAt: integer('created_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    uniqueIndex('users_login_name_uq').on(sql`${t.loginName} collate nocase`),
    // Keyset pagination: each sortable column with id as the tie-breaker. Group and status ride
    // along, so a page that walks the sort order tests the group or status filter (and an agent
    // manager's reach) on the index entry, reading the table only for rows on the page.
    index('users_name_idx').on(sql`${t.name} collate nocase`, t.id, t.groupId, t.status),
    index('users_login_sort_idx').on(sql`${t.loginName} collate nocase`, t.id, t.groupId, t.status),
    index('users_email_idx').on(sql`${t.email} collate nocase`, t.id, t.groupId, t.status),
    index('users_group_idx').on(t.groupId, t.id),
    index('users_status_idx').on(t.status, t.id),
    index('users_external_id_idx').on(t.externalId),
  ],
);

/** The groups a user manages (agent managers): his reach is their subtrees. */
export const managedGroups = sqliteTable(
  'managed_groups',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    groupId: integer('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'restrict' }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.groupId] }), index('managed_groups_group_idx').on(t.groupId)],
);

export const userSkills = sqliteTable(
  'user_skills',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    skillId: integer('skill_id')
      .notNull()
      .references(() => skills.id, { onDelete: 'restrict' }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.skillId] }), index('user_skills_skill_idx').on(t.skillId)],
);

/** Failed sign-ins per login name (known or not), to slow down guessing. */
export const loginThrottle = sqliteTable('login_throttle', {
  loginName: text('login_name').primaryKey(),
  failures: integer('failures').notNull().default(0),
  lockedUntil: integer('locked_until').notNull().default(0),
  lastFailureAt: integer('last_failure_at').notNull().default(0),
});

/**
 * Console sessions: the session cookie names one, so signing out ends it on the server (the cookie
 * alone opens nothing afterwards). "Sign out everywhere" raises the user's session version instead.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    endedAt: integer('ended_at'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/**
 * OpenID Connect identities linked to a user: the provider's `sub` at an issuer. After the first
 * sign-in links it, a user is found by (issuer, subject) only, never again by a claim that can change.
 */
export const userIdentities = sqliteTable(
  'user_identities',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    linkedAt: integer('linked_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
    lastSignInAt: integer('last_sign_in_at', { mode: 'timestamp_ms' }),
  },
  (t) => [uniqueIndex('user_identities_subject_uq').on(t.issuer, t.subject), index('user_identities_user_idx').on(t.userId)],
);
