CREATE TABLE "aliases" (
	"model_id" text NOT NULL,
	"alias" text NOT NULL,
	"version_id" text NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "aliases_model_id_alias_pk" PRIMARY KEY("model_id","alias")
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"secret_hash" text NOT NULL,
	"scopes" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"revoked_at" timestamp (3) with time zone,
	CONSTRAINT "api_keys_secret_hash_unique" UNIQUE("secret_hash")
);
--> statement-breakpoint
CREATE TABLE "checkpoints" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"epoch" integer NOT NULL,
	"model_json_key" text NOT NULL,
	"model_json_sha256" text NOT NULL,
	"model_json_size" bigint NOT NULL,
	"weights_key" text NOT NULL,
	"weights_sha256" text NOT NULL,
	"weights_size" bigint NOT NULL,
	"optimizer_key" text,
	"optimizer_sha256" text,
	"optimizer_size" bigint,
	"val_metric" double precision,
	"is_best" boolean NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "checkpoints_run_epoch_unique" UNIQUE("run_id","epoch")
);
--> statement-breakpoint
CREATE TABLE "datasets" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"format" text NOT NULL,
	"source" text NOT NULL,
	"description" text NOT NULL,
	"shape" jsonb NOT NULL,
	"class_labels" jsonb NOT NULL,
	"splits" jsonb NOT NULL,
	"files" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "datasets_name_version_unique" UNIQUE("name","version"),
	CONSTRAINT "datasets_format_check" CHECK ("datasets"."format" in ('idx', 'cifar10-binary'))
);
--> statement-breakpoint
CREATE TABLE "ensemble_members" (
	"ensemble_id" text NOT NULL,
	"version_id" text NOT NULL,
	"position" integer NOT NULL,
	"weight" double precision,
	CONSTRAINT "ensemble_members_ensemble_id_version_id_pk" PRIMARY KEY("ensemble_id","version_id")
);
--> statement-breakpoint
CREATE TABLE "ensembles" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"aggregation" text NOT NULL,
	"tags" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "ensembles_name_unique" UNIQUE("name"),
	CONSTRAINT "ensembles_aggregation_check" CHECK ("ensembles"."aggregation" in ('mean-probabilities', 'mean-logits', 'weighted'))
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"api_key_id" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer NOT NULL,
	"response_body" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_api_key_id_key_pk" PRIMARY KEY("api_key_id","key")
);
--> statement-breakpoint
CREATE TABLE "lineage_edges" (
	"id" text PRIMARY KEY NOT NULL,
	"child_version_id" text NOT NULL,
	"parent_version_id" text NOT NULL,
	"relation" text NOT NULL,
	"weight" double precision,
	"method" text,
	"params" jsonb NOT NULL,
	"run_id" text,
	"dataset_id" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "lineage_edges_child_parent_relation_unique" UNIQUE("child_version_id","parent_version_id","relation"),
	CONSTRAINT "lineage_edges_relation_check" CHECK ("lineage_edges"."relation" in ('teacher', 'ensemble-member', 'init')),
	CONSTRAINT "lineage_edges_not_self_check" CHECK ("lineage_edges"."child_version_id" <> "lineage_edges"."parent_version_id")
);
--> statement-breakpoint
CREATE TABLE "model_versions" (
	"id" text PRIMARY KEY NOT NULL,
	"model_id" text NOT NULL,
	"version" integer NOT NULL,
	"status" text NOT NULL,
	"description" text NOT NULL,
	"model_json_key" text NOT NULL,
	"model_json_sha256" text NOT NULL,
	"model_json_size" bigint NOT NULL,
	"weights_key" text NOT NULL,
	"weights_sha256" text NOT NULL,
	"weights_size" bigint NOT NULL,
	"params" jsonb NOT NULL,
	"metrics" jsonb NOT NULL,
	"tags" jsonb NOT NULL,
	"source_run_id" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"archived_at" timestamp (3) with time zone,
	CONSTRAINT "model_versions_model_version_unique" UNIQUE("model_id","version"),
	CONSTRAINT "model_versions_status_check" CHECK ("model_versions"."status" in ('active', 'archived'))
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"task" text NOT NULL,
	"input_shape" jsonb NOT NULL,
	"class_labels" jsonb NOT NULL,
	"description" text NOT NULL,
	"tags" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "models_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "nodes" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"backend" text NOT NULL,
	"device" text NOT NULL,
	"api_key_id" text,
	"capabilities" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"last_seen_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "nodes_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "run_events" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "run_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"run_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"kind" text NOT NULL,
	"epoch" integer,
	"metrics" jsonb NOT NULL,
	"message" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "run_events_kind_check" CHECK ("run_events"."kind" in ('epoch', 'status', 'log'))
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"spec" jsonb NOT NULL,
	"status" text NOT NULL,
	"attempt" integer NOT NULL,
	"max_attempts" integer NOT NULL,
	"lease_owner" text,
	"lease_expires_at" timestamp (3) with time zone,
	"fencing_token" integer NOT NULL,
	"created_by_key_id" text,
	"idempotency_key" text,
	"result_version_id" text,
	"error" jsonb,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	"started_at" timestamp (3) with time zone,
	"finished_at" timestamp (3) with time zone,
	CONSTRAINT "runs_idempotency_unique" UNIQUE("created_by_key_id","idempotency_key"),
	CONSTRAINT "runs_kind_check" CHECK ("runs"."kind" in ('train', 'distill', 'evaluate')),
	CONSTRAINT "runs_status_check" CHECK ("runs"."status" in ('queued', 'running', 'succeeded', 'failed', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "version_counters" (
	"subject" text PRIMARY KEY NOT NULL,
	"last_version" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "aliases" ADD CONSTRAINT "aliases_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aliases" ADD CONSTRAINT "aliases_version_id_model_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."model_versions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkpoints" ADD CONSTRAINT "checkpoints_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ensemble_members" ADD CONSTRAINT "ensemble_members_ensemble_id_ensembles_id_fk" FOREIGN KEY ("ensemble_id") REFERENCES "public"."ensembles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ensemble_members" ADD CONSTRAINT "ensemble_members_version_id_model_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."model_versions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lineage_edges" ADD CONSTRAINT "lineage_edges_child_version_id_model_versions_id_fk" FOREIGN KEY ("child_version_id") REFERENCES "public"."model_versions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lineage_edges" ADD CONSTRAINT "lineage_edges_parent_version_id_model_versions_id_fk" FOREIGN KEY ("parent_version_id") REFERENCES "public"."model_versions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lineage_edges" ADD CONSTRAINT "lineage_edges_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lineage_edges" ADD CONSTRAINT "lineage_edges_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_source_run_id_runs_id_fk" FOREIGN KEY ("source_run_id") REFERENCES "public"."runs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_events" ADD CONSTRAINT "run_events_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_lease_owner_nodes_id_fk" FOREIGN KEY ("lease_owner") REFERENCES "public"."nodes"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_created_by_key_id_api_keys_id_fk" FOREIGN KEY ("created_by_key_id") REFERENCES "public"."api_keys"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_result_version_id_model_versions_id_fk" FOREIGN KEY ("result_version_id") REFERENCES "public"."model_versions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "aliases_version_idx" ON "aliases" USING btree ("version_id");--> statement-breakpoint
CREATE INDEX "ensemble_members_version_idx" ON "ensemble_members" USING btree ("version_id");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "lineage_edges_parent_idx" ON "lineage_edges" USING btree ("parent_version_id");--> statement-breakpoint
CREATE INDEX "run_events_run_idx" ON "run_events" USING btree ("run_id","id");--> statement-breakpoint
CREATE INDEX "runs_status_created_idx" ON "runs" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "runs_lease_expires_idx" ON "runs" USING btree ("lease_expires_at");