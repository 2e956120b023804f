-- The audit trail and the security log are append-only: no code path may update or delete an
-- event, and the database refuses it too. (Someone with the file can still drop these triggers;
-- the hash chain is what detects that, see `npm run audit:verify`.)
CREATE TRIGGER `audit_events_no_update` BEFORE UPDATE ON `audit_events`
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `audit_events_no_delete` BEFORE DELETE ON `audit_events`
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `denied_attempts_no_update` BEFORE UPDATE ON `denied_attempts`
BEGIN SELECT RAISE(ABORT, 'the security log is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `denied_attempts_no_delete` BEFORE DELETE ON `denied_attempts`
BEGIN SELECT RAISE(ABORT, 'the security log is append-only'); END;
--> statement-breakpoint
-- Substring search ("contains") served by an index: FTS5 with the trigram tokenizer answers
-- LIKE '%abc%' for three characters or more without scanning the table.
CREATE VIRTUAL TABLE `audit_events_fts` USING fts5(
  `actor_name`, `on_behalf_of`, `entity_type`, `entity_name`, `action`, `before`, `after`,
  content='audit_events', content_rowid='id', tokenize='trigram'
);
--> statement-breakpoint
INSERT INTO `audit_events_fts`(rowid, `actor_name`, `on_behalf_of`, `entity_type`, `entity_name`, `action`, `before`, `after`)
SELECT `id`, `actor_name`, `on_behalf_of`, `entity_type`, `entity_name`, `action`, `before`, `after` FROM `audit_events`;
--> statement-breakpoint
CREATE TRIGGER `audit_events_fts_insert` AFTER INSERT ON `audit_events`
BEGIN
  INSERT INTO `audit_events_fts`(rowid, `actor_name`, `on_behalf_of`, `entity_type`, `entity_name`, `action`, `before`, `after`)
  VALUES (new.`id`, new.`actor_name`, new.`on_behalf_of`, new.`entity_type`, new.`entity_name`, new.`action`, new.`before`, new.`after`);
END;
--> statement-breakpoint
CREATE VIRTUAL TABLE `users_fts` USING fts5(
  `name`, `login_name`, `email`,
  content='users', content_rowid='id', tokenize='trigram'
);
--> statement-breakpoint
INSERT INTO `users_fts`(rowid, `name`, `login_name`, `email`) SELECT `id`, `name`, `login_name`, `email` FROM `users`;
--> statement-breakpoint
CREATE TRIGGER `users_fts_insert` AFTER INSERT ON `users`
BEGIN
  INSERT INTO `users_fts`(rowid, `name`, `login_name`, `email`) VALUES (new.`id`, new.`name`, new.`login_name`, new.`email`);
END;
--> statement-breakpoint
CREATE TRIGGER `users_fts_delete` AFTER DELETE ON `users`
BEGIN
  INSERT INTO `users_fts`(`users_fts`, rowid, `name`, `login_name`, `email`) VALUES ('delete', old.`id`, old.`name`, old.`login_name`, old.`email`);
END;
--> statement-breakpoint
CREATE TRIGGER `users_fts_update` AFTER UPDATE OF `name`, `login_name`, `email` ON `users`
BEGIN
  INSERT INTO `users_fts`(`users_fts`, rowid, `name`, `login_name`, `email`) VALUES ('delete', old.`id`, old.`name`, old.`login_name`, old.`email`);
  INSERT INTO `users_fts`(rowid, `name`, `login_name`, `email`) VALUES (new.`id`, new.`name`, new.`login_name`, new.`email`);
END;
