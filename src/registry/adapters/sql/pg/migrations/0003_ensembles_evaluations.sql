CREATE TABLE "evaluations" (
	"id" text PRIMARY KEY NOT NULL,
	"version_id" text,
	"ensemble_id" text,
	"ensemble_name" text,
	"dataset_id" text NOT NULL,
	"split" text NOT NULL,
	"aggregation" text,
	"members" jsonb NOT NULL,
	"accuracy" double precision NOT NULL,
	"nll" double precision NOT NULL,
	"ece" double precision NOT NULL,
	"count" integer NOT NULL,
	"report" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "evaluations_split_check" CHECK ("evaluations"."split" in ('train', 'validation', 'test')),
	CONSTRAINT "evaluations_target_check" CHECK (("evaluations"."version_id" is null) <> ("evaluations"."ensemble_name" is null))
);
--> statement-breakpoint
ALTER TABLE "ensembles" DROP CONSTRAINT "ensembles_aggregation_check";--> statement-breakpoint
ALTER TABLE "ensemble_members" DROP CONSTRAINT "ensemble_members_ensemble_id_version_id_pk";--> statement-breakpoint
ALTER TABLE "ensemble_members" ALTER COLUMN "weight" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "ensemble_members" ADD CONSTRAINT "ensemble_members_ensemble_id_position_pk" PRIMARY KEY("ensemble_id","position");--> statement-breakpoint
ALTER TABLE "ensemble_members" ADD COLUMN "model_id" text NOT NULL;--> statement-breakpoint
ALTER TABLE "ensemble_members" ADD COLUMN "alias" text;--> statement-breakpoint
ALTER TABLE "ensembles" ADD COLUMN "revision" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_id_runs_id_fk" FOREIGN KEY ("id") REFERENCES "public"."runs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_version_id_model_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."model_versions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_ensemble_id_ensembles_id_fk" FOREIGN KEY ("ensemble_id") REFERENCES "public"."ensembles"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "evaluations_version_idx" ON "evaluations" USING btree ("version_id","created_at");--> statement-breakpoint
CREATE INDEX "evaluations_ensemble_name_idx" ON "evaluations" USING btree ("ensemble_name","created_at");--> statement-breakpoint
ALTER TABLE "ensemble_members" ADD CONSTRAINT "ensemble_members_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ensembles" ADD CONSTRAINT "ensembles_aggregation_check" CHECK ("ensembles"."aggregation" in ('mean-probabilities', 'mean-logits', 'weighted', 'majority-vote'));