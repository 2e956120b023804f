ALTER TABLE `profile_versions` ADD `channels` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `user_overrides` ADD `level` text;