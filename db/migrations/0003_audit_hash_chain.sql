ALTER TABLE `audit_events` ADD `prev_hash` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `audit_events` ADD `hash` text DEFAULT '' NOT NULL;