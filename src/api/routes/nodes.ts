// /v1/nodes: training nodes register, are listed, and claim the next queued run with its inputs.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { listNodes, registerNode } from '../../registry/nodes';
import type { NodeRecord } from '../../registry/records';
import { claimNextRun } from '../../registry/run-assignment';
import type { AppEnv } from '../app-env';
import { assertMayRegisterNode, nodeOfCaller } from '../node-access';
import { protectedRoute } from '../route-config';
import { json, recordOf, RecordKeySchema, singleLineText } from '../schemas';
import { publicRun, RunSchema } from './runs';

const RegisterNodeSchema = z
  .strictObject({
    name: singleLineText({ min: 1, max: 128 }).openapi({ description: 'Unique: registering the same name again keeps the node id.', example: 'gpu-box-1' }),
    backend: singleLineText({ min: 1, max: 64 }).openapi({ description: 'The tfjs backend it trains on.', example: 'tensorflow' }),
    device: singleLineText({ min: 1, max: 256 }).openapi({ example: 'NVIDIA H100' }),
    version: singleLineText({ min: 1, max: 64 }).openapi({ description: 'The Distillery version it runs.', example: '0.1.0' }),
    capabilities: recordOf(RecordKeySchema, z.unknown(), { additionalProperties: {} }).optional().openapi({ example: { concurrency: 1 } }),
  })
  .openapi('RegisterNode');

const NodeSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    backend: z.string(),
    device: z.string(),
    version: z.string(),
    capabilities: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    lastSeenAt: z.string(),
  })
  .openapi('Node');

const NodeWithRunsSchema = NodeSchema.extend({
  currentRunIds: z.array(z.string()).openapi({ description: 'The runs it holds now.' }),
}).openapi('NodeWithRuns');

const DownloadSchema = z
  .object({
    sha256: z.string(),
    size: z.number().int(),
    url: z.string().openapi({ description: 'A relative URL is an API route (send the node key and `Distillery-Fencing-Token`); an absolute one a presigned GET (send no key).' }),
  })
  .openapi('InputDownload');

const VersionInputSchema = z
  .object({ versionId: z.string(), model: z.string(), version: z.number().int(), modelJson: DownloadSchema, weights: DownloadSchema })
  .openapi('VersionInput');

const CheckpointInputSchema = z
  .object({
    checkpointId: z.string(),
    attempt: z.number().int(),
    epoch: z.number().int(),
    modelJson: DownloadSchema,
    weights: DownloadSchema,
    optimizer: DownloadSchema.nullable(),
    metrics: z.record(z.string(), z.unknown()).openapi({ description: 'The CheckpointMetrics the node stored with it.' }),
  })
  .openapi('CheckpointInput');

const AssignmentSchema = z
  .object({
    run: RunSchema,
    fencingToken: z.number().int().openapi({ description: 'Send it with every write for this run (and as `Distillery-Fencing-Token` on downloads).' }),
    leaseExpiresAt: z.string(),
    leaseSeconds: z.number().int(),
    heartbeatSeconds: z.number().int(),
    inputs: z.object({
      dataset: z.object({
        id: z.string(),
        name: z.string(),
        version: z.number().int(),
        format: z.string(),
        classLabels: z.array(z.string()),
        shape: z.array(z.number().int()),
        files: z.array(DownloadSchema.extend({ role: z.string() })),
      }),
      teachers: z.array(
        VersionInputSchema.extend({
          weight: z.number().nullable(),
          outputs: z.object({
            key: z.string().openapi({ description: 'Hex sha256 of [teacher version id, dataset id, normalization.mean, normalization.std]: names the cached logits (`PUT /v1/teacher-outputs/{key}` stores them).' }),
            cached: DownloadSchema.nullable(),
          }),
        }),
      ),
      init: VersionInputSchema.nullable(),
      members: z.array(VersionInputSchema).openapi({ description: 'evaluate runs: every member the run scores, in the order of `spec.members`; empty otherwise.' }),
      resume: CheckpointInputSchema.extend({ best: CheckpointInputSchema })
        .nullable()
        .openapi({ description: 'The latest checkpoint of an earlier attempt (and the best so far), or null.' }),
    }),
  })
  .openapi('Assignment');

const NodeIdParams = z.object({ nodeId: singleLineText({ min: 1, max: 128 }).openapi({ param: { name: 'nodeId', in: 'path' } }) });

const toNode = ({ id, name, backend, device, version, capabilities, createdAt, lastSeenAt }: NodeRecord): z.infer<typeof NodeSchema> => ({
  id,
  name,
  backend,
  device,
  version,
  capabilities,
  createdAt,
  lastSeenAt,
});

const registerNodeRoute = protectedRoute(
  'node',
  {
    method: 'post',
    operationId: 'registerNode',
    path: '/',
    tags: ['nodes'],
    summary: 'Register a training node (again: same name, same id)',
    request: { body: { required: true, ...json(RegisterNodeSchema) } },
    responses: {
      201: { description: 'The node, newly registered.', ...json(NodeSchema) },
      200: { description: 'The node, registered before under this name: its id is kept.', ...json(NodeSchema) },
    },
  },
  {
    refusesIdempotencyKey: 'registering is idempotent by name already.',
  },
);

const listNodesRoute = protectedRoute('read', {
  method: 'get',
  operationId: 'listNodes',
  path: '/',
  tags: ['nodes'],
  summary: 'List training nodes by name, with when each was last seen and the runs it holds',
  responses: { 200: { description: 'Every node.', ...json(z.object({ items: z.array(NodeWithRunsSchema) }).openapi('NodeList')) } },
});

const claimRoute = protectedRoute(
  'node',
  {
    method: 'post',
    operationId: 'claimRun',
    path: '/{nodeId}/claim',
    tags: ['nodes'],
    summary: 'Claim the next queued run, with a lease, a fencing token and its inputs',
    description: 'Runs whose lease expired are re-queued (or failed, after their last attempt) first.',
    request: { params: NodeIdParams },
    responses: {
      200: { description: 'The run now leased to the node.', ...json(AssignmentSchema) },
      204: { description: 'Nothing is queued.' },
    },
  },
);

export const nodeRoutes = new OpenAPIHono<AppEnv>()
  .openapi(registerNodeRoute, async (c) => {
    const { repo } = c.get('deps');
    const principal = c.get('principal');
    const registration = c.req.valid('json');
    await assertMayRegisterNode(repo, principal, registration.name);
    const { node, created } = await registerNode(c.get('deps'), registration, principal.apiKeyId);
    return c.json(toNode(node), created ? 201 : 200);
  })
  .openapi(listNodesRoute, async (c) => {
    const nodes = await listNodes(c.get('deps').repo);
    return c.json({ items: nodes.map((node) => ({ ...toNode(node), currentRunIds: node.currentRunIds })) }, 200);
  })
  .openapi(claimRoute, async (c) => {
    const deps = c.get('deps');
    const node = await nodeOfCaller(deps.repo, c.get('principal'), c.req.valid('param').nodeId);
    const assignment = await claimNextRun(deps, node);
    if (!assignment) return c.body(null, 204);
    return c.json({ ...assignment, run: await publicRun(deps.repo, assignment.run) }, 200);
  });
