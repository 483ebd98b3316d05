// /v1/runs/{id}/…: what a training node writes for a run it holds (heartbeat, progress events,
// completion, failure, cancel confirmation) and the run's input downloads. Every route needs the
// `node` scope, a run held by a node of the caller's key, and the run's current fencing token.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { appendEvents, confirmCancelled, failRun, heartbeat } from '../../registry/node-runs';
import { findRunInput } from '../../registry/run-inputs';
import { completeRun } from '../../registry/run-registration';
import type { AppEnv } from '../app-env';
import { fileDownload } from '../file-download';
import { runHeldByCaller, runHeldWith, STALE_LEASE_PROBLEM } from '../node-access';
import { FENCING_TOKEN_HEADER, fencingTokenHeader, FencingTokenSchema } from '../node-headers';
import { protectedRoute } from '../route-config';
import { json, recordOf, RecordKeySchema, singleLineText } from '../schemas';
import { ReportedEvaluationSchema } from './evaluations';
import { RunEventSchema } from './run-progress';
import { publicRun, RunIdParams, RunSchema } from './runs';

/** Most events one request may carry: a node batches about a second of them. */
const MAX_EVENTS_PER_REQUEST = 100;

const MetricsSchema = recordOf(RecordKeySchema, z.number(), { additionalProperties: { type: 'number' } });

const FencedSchema = z.strictObject({ fencingToken: FencingTokenSchema }).openapi('FencedRequest');

const EventSchema = z
  .strictObject({
    kind: z.enum(['batch', 'epoch', 'status', 'log']).openapi({
      description: '`batch`: metrics batch, batches, loss; `epoch`: the epoch metrics (learningRate, trainLoss, trainAccuracy, validationLoss, validationAccuracy, epochs, seconds); `status`, `log`: a message.',
    }),
    epoch: z.number().int().min(0).optional(),
    metrics: MetricsSchema.optional(),
    message: singleLineText({ max: 4096 }).optional(),
  })
  .openapi('NewRunEvent');

const AppendEventsSchema = z
  .strictObject({ fencingToken: FencingTokenSchema, events: z.array(EventSchema).min(1).max(MAX_EVENTS_PER_REQUEST) })
  .openapi('AppendRunEvents');

const CompleteSchema = z
  .strictObject({
    fencingToken: FencingTokenSchema,
    metrics: MetricsSchema.openapi({ description: 'validation_accuracy, test_accuracy, test_nll, test_ece, …', example: { test_accuracy: 0.87 } }),
    evaluation: ReportedEvaluationSchema.optional().openapi({
      description: "evaluate runs only, and required there: the evaluation report. The run's result becomes its count, accuracy, nll and ece.",
    }),
  })
  .openapi('CompleteRun');

const FailSchema = z
  .strictObject({
    fencingToken: FencingTokenSchema,
    error: z
      .looseObject({ type: singleLineText({ min: 1, max: 128 }), message: z.string().max(16_384) })
      .openapi({ description: 'Why it failed: `type`, `message`, and anything else worth keeping.', example: { type: 'nan-loss', message: 'loss became NaN', epoch: 3 } }),
  })
  .openapi('FailRun');

const HeartbeatResponseSchema = z
  .object({ leaseExpiresAt: z.string(), cancelRequested: z.boolean().openapi({ description: 'Stop at the next batch and confirm with `POST …/cancelled`.' }) })
  .openapi('Heartbeat');

const InputParams = RunIdParams.extend({
  inputId: singleLineText({ min: 1, max: 256 }).openapi({ param: { name: 'inputId', in: 'path' }, example: 'dataset.train-images' }),
});
const FencingTokenHeaders = z.object({ [FENCING_TOKEN_HEADER]: fencingTokenHeader });

const nodeWrite = <const R extends Parameters<typeof protectedRoute>[1]>(route: R, problems: { 409?: string; 422?: string } = {}) =>
  protectedRoute('node', { ...route, tags: ['node runs'] }, { problems: { 409: problems[409] ? `${STALE_LEASE_PROBLEM} ${problems[409]}` : STALE_LEASE_PROBLEM, ...(problems[422] && { 422: problems[422] }) } });

const heartbeatRoute = nodeWrite({
  method: 'post',
  operationId: 'heartbeatRun',
  path: '/{id}/heartbeat',
  summary: 'Renew the lease of a run the node holds',
  request: { params: RunIdParams, body: { required: true, ...json(FencedSchema) } },
  responses: { 200: { description: 'The new lease, and whether a cancel was asked for.', ...json(HeartbeatResponseSchema) } },
});

const eventsRoute = nodeWrite({
  method: 'post',
  operationId: 'appendRunEvents',
  path: '/{id}/events',
  summary: 'Report progress: batch, epoch, status and log events',
  request: { params: RunIdParams, body: { required: true, ...json(AppendEventsSchema) } },
  responses: { 201: { description: 'The events as stored, under the current attempt.', ...json(z.object({ items: z.array(RunEventSchema) }).openapi('RunEventList')) } },
});

const completeRoute = nodeWrite(
  {
    method: 'post',
    operationId: 'completeRun',
    path: '/{id}/complete',
    summary: 'Finish a run: train and distill register the best checkpoint as a version, evaluate records its evaluation',
    description:
      "A train or distill run's best checkpoint becomes the next version of the run's model (created from the dataset's shape and classes if absent) with these metrics, " +
      'the training spec as params, and lineage edges to every teacher (normalised weight, method, temperature, alpha, aggregation) and to the init version. ' +
      'An evaluate run stores its `evaluation` (GET /v1/evaluations/{id}). ' +
      'Registration happens once: a retried completion returns the same run and version (or evaluation).',
    request: { params: RunIdParams, body: { required: true, ...json(CompleteSchema) } },
    responses: { 200: { description: 'The run, succeeded.', ...json(RunSchema) } },
  },
  { 422: 'The run has no checkpoint to register, or its model.json does not name one `weights.bin`; an evaluate run without its evaluation (or one that does not fit its spec), or an evaluation for another kind.' },
);

const failRoute = nodeWrite({
  method: 'post',
  operationId: 'failRun',
  path: '/{id}/fail',
  summary: 'Fail a run, saying why',
  request: { params: RunIdParams, body: { required: true, ...json(FailSchema) } },
  responses: { 200: { description: 'The run, failed.', ...json(RunSchema) } },
});

const cancelledRoute = nodeWrite(
  {
    method: 'post',
    operationId: 'confirmRunCancelled',
    path: '/{id}/cancelled',
    summary: 'Confirm that the node stopped a run asked to cancel',
    request: { params: RunIdParams, body: { required: true, ...json(FencedSchema) } },
    responses: { 200: { description: 'The run, cancelled.', ...json(RunSchema) } },
  },
  { 409: 'Or the run was not asked to cancel (`conflict`).' },
);

const inputRoute = nodeWrite({
  method: 'get',
  operationId: 'downloadRunInput',
  path: '/{id}/inputs/{inputId}',
  summary: 'Download one input of a run the node holds (verified against its sha256)',
  request: { params: InputParams, headers: FencingTokenHeaders },
  responses: {
    200: { description: 'The bytes. `ETag` is their sha256.', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
  },
});

export const nodeRunRoutes = new OpenAPIHono<AppEnv>()
  .openapi(heartbeatRoute, async (c) => {
    const { fencingToken } = c.req.valid('json');
    const run = await runHeldByCaller(c.get('deps').repo, c.get('principal'), c.req.valid('param').id);
    return c.json(await heartbeat(c.get('deps'), run, fencingToken), 200);
  })
  .openapi(eventsRoute, async (c) => {
    const { fencingToken, events } = c.req.valid('json');
    const run = await runHeldByCaller(c.get('deps').repo, c.get('principal'), c.req.valid('param').id);
    return c.json({ items: await appendEvents(c.get('deps'), run, fencingToken, events) }, 201);
  })
  .openapi(completeRoute, async (c) => {
    const { fencingToken, metrics, evaluation } = c.req.valid('json');
    const deps = c.get('deps');
    const run = await runHeldByCaller(deps.repo, c.get('principal'), c.req.valid('param').id);
    return c.json(await publicRun(deps.repo, await completeRun(deps, run, fencingToken, metrics, evaluation)), 200);
  })
  .openapi(failRoute, async (c) => {
    const { fencingToken, error } = c.req.valid('json');
    const deps = c.get('deps');
    const run = await runHeldByCaller(deps.repo, c.get('principal'), c.req.valid('param').id);
    return c.json(await publicRun(deps.repo, await failRun(deps, run, fencingToken, error)), 200);
  })
  .openapi(cancelledRoute, async (c) => {
    const { fencingToken } = c.req.valid('json');
    const deps = c.get('deps');
    const run = await runHeldByCaller(deps.repo, c.get('principal'), c.req.valid('param').id);
    return c.json(await publicRun(deps.repo, await confirmCancelled(deps, run, fencingToken)), 200);
  })
  .openapi(inputRoute, async (c) => {
    const { id, inputId } = c.req.valid('param');
    const run = await runHeldWith(c.get('deps').repo, c.get('principal'), id, c.req.valid('header')[FENCING_TOKEN_HEADER]);
    const blob = await findRunInput(c.get('deps').repo, run, inputId);
    return fileDownload(c, blob, { contentType: 'application/octet-stream', fileName: inputId });
  });
