import { sqliteTable, integer, text, index, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';

/** Agent groups form a tree; an agent manager's reach is the subtree of the groups he manages. */
export const groups = sqliteTable(
  'groups',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    parentId: integer('parent_id').references((): AnySQLiteColumn => groups.id, { onDelete: 'restrict' }),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    rowVersion: integer('row_version').notNull().default(1),
    createdAt: integer('created_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    // Sibling names are unique case-insensitively; lib/dal checks it (a NULL parent defeats a unique index).
    index('groups_parent_idx').on(t.parentId, sql`${t.name} collate nocase`),
  ],
);

export const skills = sqliteTable(
  'skills',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    rowVersion: integer('row_version').notNull().default(1),
    createdAt: integer('created_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [uniqueIndex('skills_name_uq').on(sql`${t.name} collate nocase`)],
);
