CREATE TABLE "teacher_outputs" (
	"key" text PRIMARY KEY NOT NULL,
	"teacher_version_id" text NOT NULL,
	"dataset_id" text NOT NULL,
	"normalization" jsonb NOT NULL,
	"blob_key" text NOT NULL,
	"blob_sha256" text NOT NULL,
	"blob_size" bigint NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "run_events" DROP CONSTRAINT "run_events_kind_check";--> statement-breakpoint
ALTER TABLE "checkpoints" ADD COLUMN "metrics" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "model" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "result" jsonb;--> statement-breakpoint
ALTER TABLE "teacher_outputs" ADD CONSTRAINT "teacher_outputs_teacher_version_id_model_versions_id_fk" FOREIGN KEY ("teacher_version_id") REFERENCES "public"."model_versions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teacher_outputs" ADD CONSTRAINT "teacher_outputs_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "teacher_outputs_teacher_idx" ON "teacher_outputs" USING btree ("teacher_version_id");--> statement-breakpoint
CREATE INDEX "runs_model_created_idx" ON "runs" USING btree ("model","created_at");--> statement-breakpoint
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_source_run_unique" UNIQUE("source_run_id");--> statement-breakpoint
ALTER TABLE "run_events" ADD CONSTRAINT "run_events_kind_check" CHECK ("run_events"."kind" in ('batch', 'epoch', 'status', 'log'));