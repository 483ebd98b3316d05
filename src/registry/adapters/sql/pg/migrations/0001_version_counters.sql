CREATE TABLE "version_counters" (
	"subject" text PRIMARY KEY NOT NULL,
	"last_version" integer NOT NULL
);
--> statement-breakpoint
-- Hand-added: databases created by 0000 may hold versions and datasets already; start their counters there.
INSERT INTO version_counters (subject, last_version) SELECT 'model:' || model_id, max(version) FROM model_versions GROUP BY model_id;--> statement-breakpoint
INSERT INTO version_counters (subject, last_version) SELECT 'dataset:' || name, max(version) FROM datasets GROUP BY name;
