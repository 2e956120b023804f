CREATE TABLE `groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`parent_id` integer,
	`enabled` integer DEFAULT true NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`parent_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `groups_parent_idx` ON `groups` (`parent_id`,"name" collate nocase);--> statement-breakpoint
CREATE TABLE `skills` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `skills_name_uq` ON `skills` ("name" collate nocase);--> statement-breakpoint
CREATE TABLE `login_throttle` (
	`login_name` text PRIMARY KEY NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`locked_until` integer DEFAULT 0 NOT NULL,
	`last_failure_at` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `managed_groups` (
	`user_id` integer NOT NULL,
	`group_id` integer NOT NULL,
	PRIMARY KEY(`user_id`, `group_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `managed_groups_group_idx` ON `managed_groups` (`group_id`);--> statement-breakpoint
CREATE TABLE `user_skills` (
	`user_id` integer NOT NULL,
	`skill_id` integer NOT NULL,
	PRIMARY KEY(`user_id`, `skill_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`skill_id`) REFERENCES `skills`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `user_skills_skill_idx` ON `user_skills` (`skill_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`login_name` text NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`nickname` text NOT NULL,
	`password_hash` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`group_id` integer,
	`max_chats` integer,
	`session_version` integer DEFAULT 1 NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_login_name_uq` ON `users` ("login_name" collate nocase);--> statement-breakpoint
CREATE INDEX `users_name_idx` ON `users` ("name" collate nocase,`id`);--> statement-breakpoint
CREATE INDEX `users_login_sort_idx` ON `users` ("login_name" collate nocase,`id`);--> statement-breakpoint
CREATE INDEX `users_email_idx` ON `users` ("email" collate nocase,`id`);--> statement-breakpoint
CREATE INDEX `users_group_idx` ON `users` (`group_id`,`id`);--> statement-breakpoint
CREATE INDEX `users_status_idx` ON `users` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `account_features` (
	`key` text PRIMARY KEY NOT NULL,
	`enabled` integer NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `profile_versions` (
	`profile_id` integer NOT NULL,
	`version` integer NOT NULL,
	`permissions` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`created_by` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`profile_id`, `version`),
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `profiles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`role_key` text NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`head_version` integer DEFAULT 1 NOT NULL,
	`floor_version` integer DEFAULT 1 NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_by` integer,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`role_key`) REFERENCES `roles`(`key`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `profiles_name_uq` ON `profiles` ("name" collate nocase);--> statement-breakpoint
CREATE INDEX `profiles_role_idx` ON `profiles` (`role_key`);--> statement-breakpoint
CREATE TABLE `roles` (
	`key` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`rank` integer NOT NULL,
	`built_in` integer NOT NULL,
	`base_role_key` text,
	`row_version` integer DEFAULT 1 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `roles_name_uq` ON `roles` ("name" collate nocase);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `user_overrides` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`permission_key` text NOT NULL,
	`effect` text NOT NULL,
	`reason` text NOT NULL,
	`expires_at` integer,
	`created_by` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `user_overrides_user_idx` ON `user_overrides` (`user_id`);--> statement-breakpoint
CREATE TABLE `user_profiles` (
	`user_id` integer NOT NULL,
	`role_key` text NOT NULL,
	`profile_id` integer NOT NULL,
	`version` integer NOT NULL,
	PRIMARY KEY(`user_id`, `role_key`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`role_key`) REFERENCES `roles`(`key`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `user_profiles_profile_idx` ON `user_profiles` (`profile_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`actor_id` integer,
	`actor_name` text NOT NULL,
	`on_behalf_of` text,
	`source` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`entity_name` text NOT NULL,
	`action` text NOT NULL,
	`before` text,
	`after` text
);
--> statement-breakpoint
CREATE INDEX `audit_at_idx` ON `audit_events` (`at`,`id`);--> statement-breakpoint
CREATE INDEX `audit_actor_idx` ON `audit_events` (`actor_id`,`id`);--> statement-breakpoint
CREATE INDEX `audit_entity_idx` ON `audit_events` (`entity_type`,`entity_id`,`id`);--> statement-breakpoint
CREATE TABLE `denied_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`actor_id` integer,
	`actor_name` text NOT NULL,
	`source` text NOT NULL,
	`action` text NOT NULL,
	`reason` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `denied_at_idx` ON `denied_attempts` (`at`,`id`);