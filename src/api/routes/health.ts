// GET /health: liveness without authentication, for load balancers and orchestrators.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { publicRoute } from '../route-config';

const HealthSchema = z.object({ status: z.literal('ok') }).openapi('Health');

const getHealth = publicRoute({
  method: 'get',
  operationId: 'getHealth',
  path: '/',
  tags: ['health'],
  summary: 'Liveness check (no API key needed)',
  responses: { 200: { description: 'The service is up.', content: { 'application/json': { schema: HealthSchema } } } },
});

export const healthRoutes = new OpenAPIHono<AppEnv>().openapi(getHealth, (c) => c.json({ status: 'ok' as const }, 200));
