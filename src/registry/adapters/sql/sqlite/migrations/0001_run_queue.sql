DROP INDEX `checkpoints_run_epoch_unique`;--> statement-breakpoint
CREATE UNIQUE INDEX `checkpoints_run_attempt_epoch_unique` ON `checkpoints` (`run_id`,`attempt`,`epoch`);--> statement-breakpoint
ALTER TABLE `nodes` ADD `version` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `cancel_requested_at` text;