DROP INDEX `users_name_idx`;--> statement-breakpoint
DROP INDEX `users_login_sort_idx`;--> statement-breakpoint
DROP INDEX `users_email_idx`;--> statement-breakpoint
CREATE INDEX `users_name_idx` ON `users` ("name" collate nocase,`id`,`group_id`,`status`);--> statement-breakpoint
CREATE INDEX `users_login_sort_idx` ON `users` ("login_name" collate nocase,`id`,`group_id`,`status`);--> statement-breakpoint
CREATE INDEX `users_email_idx` ON `users` ("email" collate nocase,`id`,`group_id`,`status`);