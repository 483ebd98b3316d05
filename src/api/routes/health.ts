// GET /health: liveness without authentication, for load balancers and orchestrators, and what predictions run on.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { publicRoute } from '../route-config';

const EngineBackendSchema = z
  .object({
    name: z.string().openapi({ description: "The tfjs backend: 'wasm+onednn' (native oneDNN kernels), 'wasm', 'tensorflow' or 'cpu'.", example: 'wasm+onednn' }),
    device: z.enum(['gpu', 'cpu']),
    threads: z.number().int().openapi({ description: 'Threads each inference worker computes with.' }),
    details: z.string().openapi({ description: 'Versions and kernels; where a faster backend was skipped, why (e.g. the oneDNN addon is not built).' }),
  })
  .openapi('EngineBackend');

const HealthSchema = z
  .object({
    status: z.literal('ok'),
    serving: EngineBackendSchema.nullable().openapi({
      description: 'What the prediction workers run on; null where this runtime serves no predictions (Workers) or before the first worker has started.',
    }),
  })
  .openapi('Health');

const getHealth = publicRoute({
  method: 'get',
  operationId: 'getHealth',
  path: '/',
  tags: ['health'],
  summary: 'Liveness check (no API key needed)',
  responses: { 200: { description: 'The service is up.', content: { 'application/json': { schema: HealthSchema } } } },
});

export const healthRoutes = new OpenAPIHono<AppEnv>().openapi(getHealth, (c) =>
  c.json({ status: 'ok' as const, serving: c.get('deps').predictor?.backend() ?? null }, 200),
);
