// GET /metrics: the serving layer's metrics in the Prometheus text format (scope read), for a scraper with a read key.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { requirePredictor } from '../predict/predictor-access';
import { protectedRoute } from '../route-config';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

const getMetricsRoute = protectedRoute(
  'read',
  {
    method: 'get',
    operationId: 'getMetrics',
    path: '/',
    tags: ['serving'],
    summary: 'Prediction metrics (Prometheus text format 0.0.4)',
    description: 'Requests, rows, batches, batch sizes, queue delay, latency and compute time per model or ensemble (`target` label), and the model cache.',
    responses: { 200: { description: 'The metrics.', content: { 'text/plain': { schema: z.string() } } } },
  },
  { problems: {} },
);

export const metricsRoutes = new OpenAPIHono<AppEnv>().openapi(getMetricsRoute, (c) =>
  c.text(requirePredictor(c.get('deps')).metricsText(), 200, { 'Content-Type': PROMETHEUS_TEXT }),
);
