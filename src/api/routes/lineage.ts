// GET /v1/models/{name}/versions/{version}/lineage: ancestors and/or descendants of a version.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { DEFAULT_LINEAGE_DEPTH, MAX_LINEAGE_DEPTH, getLineage } from '../../registry/lineage';
import type { AppEnv } from '../app-env';
import { protectedRoute } from '../route-config';
import { integerParam, json } from '../schemas';
import { VersionParams } from './versions';

const LineageNodeSchema = z
  .object({
    id: z.string(),
    model: z.string(),
    version: z.number().int(),
    status: z.enum(['active', 'archived']),
    distance: z.number().int().openapi({ description: 'Negative for ancestors, positive for descendants, 0 for the version asked about.' }),
  })
  .openapi('LineageNode');

const LineageEdgeSchema = z
  .object({
    parent: z.string().openapi({ description: 'Parent version id.' }),
    child: z.string().openapi({ description: 'Child version id.' }),
    relation: z.enum(['teacher', 'ensemble-member', 'init']),
    weight: z.number().nullable(),
    method: z.string().nullable(),
    params: z.record(z.string(), z.unknown()),
    runId: z.string().nullable(),
    datasetId: z.string().nullable(),
  })
  .openapi('LineageEdge');

const LineageSchema = z
  .object({ root: z.string(), nodes: z.array(LineageNodeSchema), edges: z.array(LineageEdgeSchema) })
  .openapi('Lineage');

const LineageQuery = z.object({
  direction: z.enum(['ancestors', 'descendants', 'both']).default('both'),
  depth: integerParam({ min: 1, max: MAX_LINEAGE_DEPTH })
    .default(DEFAULT_LINEAGE_DEPTH)
    .openapi({ description: `Levels to follow (1-${MAX_LINEAGE_DEPTH}).` }),
});

const lineageRoute = protectedRoute('read', {
  method: 'get',
  operationId: 'getModelVersionLineage',
  path: '/{name}/versions/{version}/lineage',
  tags: ['lineage'],
  summary: 'Ancestors and descendants of a version, with the run, dataset and method on each edge',
  request: { params: VersionParams, query: LineageQuery },
  responses: { 200: { description: 'The lineage graph around the version.', ...json(LineageSchema) } },
});

export const lineageRoutes = new OpenAPIHono<AppEnv>().openapi(lineageRoute, async (c) => {
  const { name, version } = c.req.valid('param');
  return c.json(await getLineage(c.get('deps').repo, name, version, c.req.valid('query')), 200);
});
