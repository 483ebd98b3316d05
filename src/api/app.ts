// The Distillery HTTP API: middleware, every resource's routes, the spec and the one error handler.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps, AppEnv } from './app-env';
import { publicAccess } from './middleware/auth';
import { injectDeps } from './middleware/deps';
import { requestLogging } from './middleware/logging';
import { requestId } from './middleware/request-id';
import { openApiDocument, registerSecurityScheme } from './openapi/document';
import { handleError, handleNotFound, validationHook } from './problem';
import { aliasRoutes } from './routes/aliases';
import { checkpointRoutes } from './routes/checkpoints';
import { datasetRoutes } from './routes/datasets';
import { docsRoutes } from './routes/docs';
import { ensembleRoutes } from './routes/ensembles';
import { evaluationRoutes } from './routes/evaluations';
import { healthRoutes } from './routes/health';
import { keyRoutes } from './routes/keys';
import { kserveRoutes } from './routes/kserve';
import { lineageRoutes } from './routes/lineage';
import { metricsRoutes } from './routes/metrics';
import { modelRoutes } from './routes/models';
import { nodeRunRoutes } from './routes/node-runs';
import { nodeRoutes } from './routes/nodes';
import { runProgressRoutes } from './routes/run-progress';
import { runRoutes } from './routes/runs';
import { teacherOutputRoutes } from './routes/teacher-outputs';
import { tfServingRoutes } from './routes/tf-serving';
import { uiRoutes } from './routes/ui';
import { versionRoutes } from './routes/versions';

function newApp(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

/** Registers every resource's routes; shared by the served app and the spec writer. */
function mountRoutes(app: OpenAPIHono<AppEnv>): void {
  registerSecurityScheme(app);
  app.route('/health', healthRoutes);
  app.route('/v1/models', modelRoutes);
  app.route('/v1/models', versionRoutes);
  app.route('/v1/models', aliasRoutes);
  app.route('/v1/models', lineageRoutes);
  app.route('/v1/ensembles', ensembleRoutes);
  // TF Serving's REST API shares the registry's namespace: its paths (`:predict`, `/metadata`, `/labels`) are free there.
  app.route('/v1/models', tfServingRoutes);
  app.route('/v1/datasets', datasetRoutes);
  app.route('/v1/runs', runRoutes);
  app.route('/v1/runs', nodeRunRoutes);
  app.route('/v1/runs', checkpointRoutes);
  app.route('/v1/runs', runProgressRoutes);
  app.route('/v1/evaluations', evaluationRoutes);
  app.route('/v1/nodes', nodeRoutes);
  app.route('/v1/teacher-outputs', teacherOutputRoutes);
  app.route('/v1/keys', keyRoutes);
  app.route('/v2', kserveRoutes);
  app.route('/metrics', metricsRoutes);
  app.route('/docs', docsRoutes);
  app.route('/ui', uiRoutes);
}

/** The spec of every registered route, without needing any dependencies. */
export function buildOpenApiDocument(): unknown {
  const app = newApp();
  mountRoutes(app);
  return openApiDocument(app);
}

/** The API with its dependencies injected per request. */
export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const app = newApp();
  // No global authentication: each route declares who may call it (route-config.ts, publicAccess).
  app.use('*', injectDeps(deps), requestId, requestLogging);
  mountRoutes(app);
  let spec: unknown;
  app.get('/openapi.json', publicAccess, (c) => c.json((spec ??= openApiDocument(app))));
  app.onError(handleError);
  app.notFound(handleNotFound);
  return app;
}
