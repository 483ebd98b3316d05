-- Nothing wrote the ensembles tables before this migration (they were declared ahead of their store):
-- they are dropped and made again with members by position, alias members and a revision.
DROP TABLE `ensemble_members`;--> statement-breakpoint
DROP TABLE `ensembles`;--> statement-breakpoint
CREATE TABLE `ensembles` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text NOT NULL,
	`aggregation` text NOT NULL,
	`revision` integer DEFAULT 1 NOT NULL,
	`tags` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "ensembles_aggregation_check" CHECK("ensembles"."aggregation" in ('mean-probabilities', 'mean-logits', 'weighted', 'majority-vote'))
);
--> statement-breakpoint
CREATE TABLE `ensemble_members` (
	`ensemble_id` text NOT NULL,
	`position` integer NOT NULL,
	`model_id` text NOT NULL,
	`version_id` text NOT NULL,
	`alias` text,
	`weight` real NOT NULL,
	PRIMARY KEY(`ensemble_id`, `position`),
	FOREIGN KEY (`ensemble_id`) REFERENCES `ensembles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`version_id`) REFERENCES `model_versions`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ensembles_name_unique` ON `ensembles` (`name`);--> statement-breakpoint
CREATE INDEX `ensemble_members_version_idx` ON `ensemble_members` (`version_id`);--> statement-breakpoint
CREATE TABLE `evaluations` (
	`id` text PRIMARY KEY NOT NULL,
	`version_id` text,
	`ensemble_id` text,
	`ensemble_name` text,
	`dataset_id` text NOT NULL,
	`split` text NOT NULL,
	`aggregation` text,
	`members` text NOT NULL,
	`accuracy` real NOT NULL,
	`nll` real NOT NULL,
	`ece` real NOT NULL,
	`count` integer NOT NULL,
	`report` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`version_id`) REFERENCES `model_versions`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`ensemble_id`) REFERENCES `ensembles`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`dataset_id`) REFERENCES `datasets`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "evaluations_split_check" CHECK("evaluations"."split" in ('train', 'validation', 'test')),
	CONSTRAINT "evaluations_target_check" CHECK(("evaluations"."version_id" is null) <> ("evaluations"."ensemble_name" is null))
);
--> statement-breakpoint
CREATE INDEX `evaluations_version_idx` ON `evaluations` (`version_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `evaluations_ensemble_name_idx` ON `evaluations` (`ensemble_name`,`created_at`);
