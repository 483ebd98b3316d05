CREATE TABLE `aliases` (
	`model_id` text NOT NULL,
	`alias` text NOT NULL,
	`version_id` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`model_id`, `alias`),
	FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`version_id`) REFERENCES `model_versions`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `aliases_version_idx` ON `aliases` (`version_id`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`secret_hash` text NOT NULL,
	`scopes` text NOT NULL,
	`created_at` text NOT NULL,
	`revoked_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_secret_hash_unique` ON `api_keys` (`secret_hash`);--> statement-breakpoint
CREATE TABLE `checkpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`epoch` integer NOT NULL,
	`model_json_key` text NOT NULL,
	`model_json_sha256` text NOT NULL,
	`model_json_size` integer NOT NULL,
	`weights_key` text NOT NULL,
	`weights_sha256` text NOT NULL,
	`weights_size` integer NOT NULL,
	`optimizer_key` text,
	`optimizer_sha256` text,
	`optimizer_size` integer,
	`val_metric` real,
	`is_best` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `checkpoints_run_epoch_unique` ON `checkpoints` (`run_id`,`epoch`);--> statement-breakpoint
CREATE TABLE `datasets` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`version` integer NOT NULL,
	`format` text NOT NULL,
	`source` text NOT NULL,
	`description` text NOT NULL,
	`shape` text NOT NULL,
	`class_labels` text NOT NULL,
	`splits` text NOT NULL,
	`files` text NOT NULL,
	`created_at` text NOT NULL,
	CONSTRAINT "datasets_format_check" CHECK("datasets"."format" in ('idx', 'cifar10-binary'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `datasets_name_version_unique` ON `datasets` (`name`,`version`);--> statement-breakpoint
CREATE TABLE `ensemble_members` (
	`ensemble_id` text NOT NULL,
	`version_id` text NOT NULL,
	`position` integer NOT NULL,
	`weight` real,
	PRIMARY KEY(`ensemble_id`, `version_id`),
	FOREIGN KEY (`ensemble_id`) REFERENCES `ensembles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`version_id`) REFERENCES `model_versions`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `ensemble_members_version_idx` ON `ensemble_members` (`version_id`);--> statement-breakpoint
CREATE TABLE `ensembles` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text NOT NULL,
	`aggregation` text NOT NULL,
	`tags` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "ensembles_aggregation_check" CHECK("ensembles"."aggregation" in ('mean-probabilities', 'mean-logits', 'weighted'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ensembles_name_unique` ON `ensembles` (`name`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`api_key_id` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer NOT NULL,
	`response_body` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`api_key_id`, `key`),
	FOREIGN KEY (`api_key_id`) REFERENCES `api_keys`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `idempotency_keys_created_idx` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `lineage_edges` (
	`id` text PRIMARY KEY NOT NULL,
	`child_version_id` text NOT NULL,
	`parent_version_id` text NOT NULL,
	`relation` text NOT NULL,
	`weight` real,
	`method` text,
	`params` text NOT NULL,
	`run_id` text,
	`dataset_id` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`child_version_id`) REFERENCES `model_versions`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`parent_version_id`) REFERENCES `model_versions`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`dataset_id`) REFERENCES `datasets`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "lineage_edges_relation_check" CHECK("lineage_edges"."relation" in ('teacher', 'ensemble-member', 'init')),
	CONSTRAINT "lineage_edges_not_self_check" CHECK("lineage_edges"."child_version_id" <> "lineage_edges"."parent_version_id")
);
--> statement-breakpoint
CREATE INDEX `lineage_edges_parent_idx` ON `lineage_edges` (`parent_version_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `lineage_edges_child_parent_relation_unique` ON `lineage_edges` (`child_version_id`,`parent_version_id`,`relation`);--> statement-breakpoint
CREATE TABLE `model_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`model_id` text NOT NULL,
	`version` integer NOT NULL,
	`status` text NOT NULL,
	`description` text NOT NULL,
	`model_json_key` text NOT NULL,
	`model_json_sha256` text NOT NULL,
	`model_json_size` integer NOT NULL,
	`weights_key` text NOT NULL,
	`weights_sha256` text NOT NULL,
	`weights_size` integer NOT NULL,
	`params` text NOT NULL,
	`metrics` text NOT NULL,
	`tags` text NOT NULL,
	`source_run_id` text,
	`created_at` text NOT NULL,
	`archived_at` text,
	FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`source_run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "model_versions_status_check" CHECK("model_versions"."status" in ('active', 'archived'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `model_versions_model_version_unique` ON `model_versions` (`model_id`,`version`);--> statement-breakpoint
CREATE TABLE `models` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`task` text NOT NULL,
	`input_shape` text NOT NULL,
	`class_labels` text NOT NULL,
	`description` text NOT NULL,
	`tags` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `models_name_unique` ON `models` (`name`);--> statement-breakpoint
CREATE TABLE `nodes` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`backend` text NOT NULL,
	`device` text NOT NULL,
	`api_key_id` text,
	`capabilities` text NOT NULL,
	`created_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	FOREIGN KEY (`api_key_id`) REFERENCES `api_keys`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `nodes_name_unique` ON `nodes` (`name`);--> statement-breakpoint
CREATE TABLE `run_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`kind` text NOT NULL,
	`epoch` integer,
	`metrics` text NOT NULL,
	`message` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "run_events_kind_check" CHECK("run_events"."kind" in ('epoch', 'status', 'log'))
);
--> statement-breakpoint
CREATE INDEX `run_events_run_idx` ON `run_events` (`run_id`,`id`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`spec` text NOT NULL,
	`status` text NOT NULL,
	`attempt` integer NOT NULL,
	`max_attempts` integer NOT NULL,
	`lease_owner` text,
	`lease_expires_at` text,
	`fencing_token` integer NOT NULL,
	`created_by_key_id` text,
	`idempotency_key` text,
	`result_version_id` text,
	`error` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`started_at` text,
	`finished_at` text,
	FOREIGN KEY (`lease_owner`) REFERENCES `nodes`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`created_by_key_id`) REFERENCES `api_keys`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`result_version_id`) REFERENCES `model_versions`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "runs_kind_check" CHECK("runs"."kind" in ('train', 'distill', 'evaluate')),
	CONSTRAINT "runs_status_check" CHECK("runs"."status" in ('queued', 'running', 'succeeded', 'failed', 'cancelled'))
);
--> statement-breakpoint
CREATE INDEX `runs_status_created_idx` ON `runs` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `runs_lease_expires_idx` ON `runs` (`lease_expires_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `runs_idempotency_unique` ON `runs` (`created_by_key_id`,`idempotency_key`);--> statement-breakpoint
CREATE TABLE `version_counters` (
	`subject` text PRIMARY KEY NOT NULL,
	`last_version` integer NOT NULL
);
