import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import { users } from './users';

/**
 * Keys for other programs. A key acts for one user and may use only the permissions listed here
 * that the user still holds at the moment of the call. Only a SHA-256 of the secret is stored: the
 * secret is 256 random bits, so a fast hash is as safe as a slow one and costs nothing per request.
 */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** The user the key acts for. */
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    /** The public start of the key ("sb_1a2b3c4d"), shown in lists so a person can tell keys apart. */
    prefix: text('prefix').notNull(),
    secretHash: text('secret_hash').notNull(),
    /** Permission keys the key may use: a subset of its user's when it was created. */
    permissions: text('permissions', { mode: 'json' }).$type<string[]>().notNull(),
    rateLimitPerMinute: integer('rate_limit_per_minute').notNull().default(600),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }),
    createdBy: integer('created_by').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
    revokedBy: integer('revoked_by'),
    lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
    rowVersion: integer('row_version').notNull().default(1),
  },
  (t) => [uniqueIndex('api_keys_secret_uq').on(t.secretHash), uniqueIndex('api_keys_prefix_uq').on(t.prefix), index('api_keys_user_idx').on(t.userId)],
);
