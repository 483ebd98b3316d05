// What the Worker receives from wrangler.toml: its D1 and R2 bindings, its vars and its secrets.
import type { R2BucketBinding } from '../registry/adapters/blob/r2-bucket';
import type { D1DatabaseBinding } from '../registry/adapters/sql/d1/open-d1-repository';

export interface WorkerEnv extends WorkerVars {
  /** The registry's metadata (`[[d1_databases]]`, migrated with `wrangler d1 migrations apply`). */
  DB: D1DatabaseBinding;
  /** Artifacts and dataset files (`[[r2_buckets]]`). */
  BLOBS: R2BucketBinding;
}

/** Vars and secrets: strings, each optional; worker-config.ts says what each means and its default. */
export type WorkerVars = {
  DISTILLERY_ADMIN_KEY?: string;
  DISTILLERY_JSON_LIMIT?: string;
  DISTILLERY_UPLOAD_LIMIT?: string;
  LOG_LEVEL?: string;
  DISTILLERY_LEASE_SECONDS?: string;
  DISTILLERY_HEARTBEAT_SECONDS?: string;
  R2_ACCOUNT_ID?: string;
  R2_ACCESS_KEY_ID?: string;
  R2_SECRET_ACCESS_KEY?: string;
  R2_BUCKET_NAME?: string;
};
