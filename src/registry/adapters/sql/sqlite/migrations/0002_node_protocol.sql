CREATE TABLE `teacher_outputs` (
	`key` text PRIMARY KEY NOT NULL,
	`teacher_version_id` text NOT NULL,
	`dataset_id` text NOT NULL,
	`normalization` text NOT NULL,
	`blob_key` text NOT NULL,
	`blob_sha256` text NOT NULL,
	`blob_size` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`teacher_version_id`) REFERENCES `model_versions`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`dataset_id`) REFERENCES `datasets`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `teacher_outputs_teacher_idx` ON `teacher_outputs` (`teacher_version_id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_run_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`kind` text NOT NULL,
	`epoch` integer,
	`metrics` text NOT NULL,
	`message` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "run_events_kind_check" CHECK("__new_run_events"."kind" in ('batch', 'epoch', 'status', 'log'))
);
--> statement-breakpoint
INSERT INTO `__new_run_events`("id", "run_id", "attempt", "kind", "epoch", "metrics", "message", "created_at") SELECT "id", "run_id", "attempt", "kind", "epoch", "metrics", "message", "created_at" FROM `run_events`;--> statement-breakpoint
DROP TABLE `run_events`;--> statement-breakpoint
ALTER TABLE `__new_run_events` RENAME TO `run_events`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `run_events_run_idx` ON `run_events` (`run_id`,`id`);--> statement-breakpoint
ALTER TABLE `checkpoints` ADD `metrics` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `model` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `result` text;--> statement-breakpoint
CREATE INDEX `runs_model_created_idx` ON `runs` (`model`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `model_versions_source_run_unique` ON `model_versions` (`source_run_id`);