import { sqliteTable, integer, text, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import { groups } from './groups';
import { users } from './users';
import { profiles } from './access';

/**
 * The identity provider's groups (SCIM Groups, the OpenID groups claim). Not agent groups: a user
 * may be in many. An admin maps one to profiles and optionally to an agent group placement.
 */
export const directoryGroups = sqliteTable(
  'directory_groups',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    displayName: text('display_name').notNull(),
    externalId: text('external_id'),
    /** Optional placement: members without a group land in this agent group. */
    agentGroupId: integer('agent_group_id').references(() => groups.id, { onDelete: 'set null' }),
    rowVersion: integer('row_version').notNull().default(1),
    createdAt: integer('created_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [uniqueIndex('directory_groups_name_uq').on(sql`${t.displayName} collate nocase`)],
);

export const directoryGroupMembers = sqliteTable(
  'directory_group_members',
  {
    groupId: integer('group_id')
      .notNull()
      .references(() => directoryGroups.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('directory_group_members_user_idx').on(t.userId, t.groupId)],
);

/** A directory group's mapping: the profiles its members get. */
export const directoryGroupProfiles = sqliteTable(
  'directory_group_profiles',
  {
    groupId: integer('group_id')
      .notNull()
      .references(() => directoryGroups.id, { onDelete: 'cascade' }),
    profileId: integer('profile_id')
      .notNull()
      .references(() => profiles.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.profileId] }), index('directory_group_profiles_profile_idx').on(t.profileId)],
);
