import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';

export const AUDIT_SOURCES = ['ui', 'api', 'system'] as const;

/** Every change, written in the same transaction as the change itself. Append-only. */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
    actorId: integer('actor_id'),
    actorName: text('actor_name').notNull(),
    onBehalfOf: text('on_behalf_of'),
    source: text('source', { enum: AUDIT_SOURCES }).notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    entityName: text('entity_name').notNull(),
    action: text('action').notNull(),
    before: text('before', { mode: 'json' }),
    after: text('after', { mode: 'json' }),
    /**
     * What the entity looks like for permissions after this event (a user's status, profiles and
     * overrides; a profile's versions; a feature's switch), so "as of" can rebuild any past moment
     * from the log alone. Null for events that change nothing permissions depend on.
     */
    state: text('state', { mode: 'json' }),
    /** The hash of the event before this one, and this event's own: altering any event breaks the chain. */
    prevHash: text('prev_hash').notNull().default(''),
    hash: text('hash').notNull().default(''),
  },
  (t) => [
    index('audit_at_idx').on(t.at, t.id),
    index('audit_actor_idx').on(t.actorId, t.id),
    index('audit_entity_idx').on(t.entityType, t.entityId, t.id),
    // The trail filtered by entity type alone, newest first, one keyset page at a time.
    index('audit_entity_type_idx').on(t.entityType, t.id),
    index('audit_action_idx').on(t.action, t.id),
  ],
);

/** Refused attempts: who tried what, and why it was refused. */
export const deniedAttempts = sqliteTable(
  'denied_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
    actorId: integer('actor_id'),
    actorName: text('actor_name').notNull(),
    source: text('source', { enum: AUDIT_SOURCES }).notNull(),
    action: text('action').notNull(),
    reason: text('reason').notNull(),
  },
  (t) => [index('denied_at_idx').on(t.at, t.id)],
);
