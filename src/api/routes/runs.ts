// /v1/runs: start train, distill and evaluate runs (validated against the registry, then queued), list, read and cancel them.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { RunQueueStore } from '../../registry/ports';
import type { RunRecord } from '../../registry/records';
import { runProgress } from '../../registry/run-progress';
import { DEFAULT_MAX_ATTEMPTS, MAX_ATTEMPTS_LIMIT, cancelRun, createRun, getRun, listRuns } from '../../registry/runs';
import { AGGREGATIONS, ARCHITECTURE_NAMES } from '../../training/spec';
import type { AppEnv } from '../app-env';
import { IDEMPOTENCY_HEADER } from '../middleware/idempotency';
import { protectedRoute } from '../route-config';
import { NameSchema, PageQuerySchema, RecordKeySchema, VersionNumberSchema, VersionRefValueSchema, json, pageEnvelope, recordOf, singleLineText } from '../schemas';

const KINDS = ['train', 'distill', 'evaluate'] as const;
const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

const KindSchema = z.enum(KINDS).openapi('RunKind');
const StatusSchema = z.enum(STATUSES).openapi('RunStatus', {
  description: 'queued, then running on a node (each claim an attempt), then succeeded, failed or cancelled.',
});

export const VersionRefBodySchema = z.strictObject({
  model: NameSchema,
  version: VersionRefValueSchema.openapi({ description: 'A version number, an alias or `latest`.', example: 'latest' }),
});

export const DatasetRefBodySchema = z.strictObject({
  name: NameSchema,
  version: VersionNumberSchema.optional().openapi({ description: 'Defaults to the latest version.' }),
});

const TeacherSchema = VersionRefBodySchema.extend({
  weight: z.number().min(0).optional().openapi({ description: 'Relative weight in the aggregation; give every teacher one or none.' }),
}).openapi('RunTeacher');

const CreateRunSchema = z
  .strictObject({
    kind: KindSchema,
    dataset: DatasetRefBodySchema,
    model: NameSchema.optional().openapi({
      description: 'train, distill: the model the result is registered under; created when the run succeeds if it does not exist.',
    }),
    architecture: z.enum(ARCHITECTURE_NAMES).optional().openapi({ description: "train, distill: the student's architecture." }),
    teachers: z.array(TeacherSchema).min(1).max(64).optional().openapi({ description: 'distill: the teacher versions (or `ensemble` instead).' }),
    ensemble: NameSchema.optional().openapi({
      description:
        "distill, instead of `teachers`: an ensemble whose members, as they resolve now, are the teachers, with its weights and aggregation (not `majority-vote`); the run records the ensemble's revision.",
    }),
    aggregation: z.enum(AGGREGATIONS).optional().openapi({
      description: "distill: how teachers' outputs combine (default `mean-probabilities`); `weighted` needs every teacher's weight.",
    }),
    version: VersionRefBodySchema.optional().openapi({ description: 'evaluate: the version to evaluate.' }),
    init: VersionRefBodySchema.optional().openapi({
      description: "train, distill: start from this version's weights instead of a fresh initialisation (lineage relation `init`); it must exist, not be archived, and fit the dataset.",
    }),
    hyperparameters: recordOf(RecordKeySchema, z.unknown(), { additionalProperties: {} })
      .optional()
      .openapi({
        description:
          'train, distill: seed, epochs, batchSize, optimizer, lrSchedule, augmentation, normalization, validationFraction, splitSeed; ' +
          'distill also temperature and alpha. Anything absent takes the reference protocol default; the run records the resolved values.',
        example: { epochs: 20, batchSize: 64, optimizer: { name: 'adam', learningRate: 0.001 } },
      }),
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .max(MAX_ATTEMPTS_LIMIT)
      .optional()
      .openapi({ description: `Attempts (node claims whose lease expired) before the run fails; default ${DEFAULT_MAX_ATTEMPTS}.` }),
  })
  .openapi('CreateRun');

const RunProgressSchema = z
  .object({
    epoch: z.number().int().nullable(),
    epochs: z.number().int().nullable().openapi({ description: 'Epochs the run trains for; null for an evaluate run.' }),
    batch: z.number().int().nullable(),
    batches: z.number().int().nullable(),
    loss: z.number().nullable().openapi({ description: "The latest batch's loss, or the finished epoch's training loss." }),
  })
  .openapi('RunProgress');

export const RunSchema = z
  .object({
    id: z.string(),
    kind: KindSchema,
    status: StatusSchema,
    spec: z.record(z.string(), z.unknown()).openapi({
      description: 'What the run executes, fully resolved: dataset id and version, teacher version ids, every hyperparameter.',
    }),
    attempt: z.number().int().openapi({ description: 'Claims so far: 0 while queued for the first time.' }),
    maxAttempts: z.number().int(),
    node: z.string().nullable().openapi({ description: 'The node holding (or that last held) the run.' }),
    leaseExpiresAt: z.string().nullable(),
    cancelRequestedAt: z.string().nullable(),
    model: z.string().nullable().openapi({ description: 'The target model (train, distill) or the evaluated model (evaluate).' }),
    progress: RunProgressSchema.nullable().openapi({ description: 'From the latest batch and epoch events its node reported; null before the first.' }),
    resultVersionId: z.string().nullable(),
    result: z.record(z.string(), z.number()).nullable().openapi({ description: "A succeeded run's metrics: an evaluate run's, or its registered version's." }),
    error: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'Why the run failed (`type`, `message`, …).' }),
    createdByKeyId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi('Run');

/** What a client sees of a run, with its progress: never its fencing token or idempotency key. */
export async function publicRun(repo: RunQueueStore, run: RunRecord): Promise<z.infer<typeof RunSchema>> {
  return {
    id: run.id,
    kind: run.kind,
    status: run.status,
    spec: run.spec,
    attempt: run.attempt,
    maxAttempts: run.maxAttempts,
    node: run.leaseOwner,
    leaseExpiresAt: run.leaseExpiresAt,
    cancelRequestedAt: run.cancelRequestedAt,
    model: run.model,
    progress: await runProgress(repo, run),
    resultVersionId: run.resultVersionId,
    result: run.result,
    error: run.error,
    createdByKeyId: run.createdByKeyId,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}

export const RunIdParams = z.object({ id: singleLineText({ min: 1, max: 128 }).openapi({ param: { name: 'id', in: 'path' } }) });

const ListRunsQuery = PageQuerySchema.extend({
  status: StatusSchema.optional(),
  kind: KindSchema.optional(),
  model: NameSchema.optional().openapi({ description: 'Only the runs of this model: its train and distill runs, and the evaluations of its versions.' }),
});

const createRunRoute = protectedRoute(
  'write',
  {
    method: 'post',
    operationId: 'createRun',
    path: '/',
    tags: ['runs'],
    summary: 'Start a train, distill or evaluate run',
    description:
      'Checked against the registry before anything is queued: the dataset, teachers and evaluated version exist, teachers are not archived, ' +
      "input shapes and classes agree, the architecture fits the dataset, the hyperparameters are in range. The run is queued until a training node claims it.",
    request: { body: { required: true, ...json(CreateRunSchema) } },
    responses: { 201: { description: 'The queued run.', ...json(RunSchema) } },
  },
  {
    idempotent: true,
    problems: {
      422: 'The registry refuses the run (`unprocessable-entity`): an unknown dataset, model or version, an archived teacher, shapes or classes that disagree, a hyperparameter out of range, or a field that does not apply to the kind.',
    },
  },
);

const listRunsRoute = protectedRoute('read', {
  method: 'get',
  operationId: 'listRuns',
  path: '/',
  tags: ['runs'],
  summary: 'List runs, newest first',
  request: { query: ListRunsQuery },
  responses: { 200: { description: 'A page of runs.', ...json(pageEnvelope(RunSchema, 'RunPage')) } },
});

const getRunRoute = protectedRoute('read', {
  method: 'get',
  operationId: 'getRun',
  path: '/{id}',
  tags: ['runs'],
  summary: 'Read a run: its spec, status, attempt, node, progress, timings and result',
  request: { params: RunIdParams },
  responses: { 200: { description: 'The run.', ...json(RunSchema) } },
});

const cancelRunRoute = protectedRoute(
  'write',
  {
    method: 'post',
    operationId: 'cancelRun',
    path: '/{id}/cancel',
    tags: ['runs'],
    summary: 'Cancel a run',
    description: 'A queued run is cancelled at once; a running one gets `cancelRequestedAt` and stops when its node sees it. Cancelling a cancelled run again returns it unchanged (a retry).',
    request: { params: RunIdParams },
    responses: { 200: { description: 'The run, cancelled or asked to stop.', ...json(RunSchema) } },
  },
  { problems: { 409: 'The run has succeeded or failed (`conflict`; `runStatus` says which).' } },
);

export const runRoutes = new OpenAPIHono<AppEnv>()
  .openapi(createRunRoute, async (c) => {
    const requester = { apiKeyId: c.get('principal').apiKeyId, idempotencyKey: c.req.header(IDEMPOTENCY_HEADER) ?? null };
    const { repo } = c.get('deps');
    return c.json(await publicRun(repo, await createRun(c.get('deps'), c.req.valid('json'), requester)), 201);
  })
  .openapi(listRunsRoute, async (c) => {
    const { status, kind, model, ...page } = c.req.valid('query');
    const { repo } = c.get('deps');
    const { items, total } = await listRuns(repo, { status, kind, model }, page);
    return c.json({ items: await Promise.all(items.map((run) => publicRun(repo, run))), total, ...page }, 200);
  })
  .openapi(getRunRoute, async (c) => {
    const { repo } = c.get('deps');
    return c.json(await publicRun(repo, await getRun(repo, c.req.valid('param').id)), 200);
  })
  .openapi(cancelRunRoute, async (c) => {
    const { repo } = c.get('deps');
    return c.json(await publicRun(repo, await cancelRun(c.get('deps'), c.req.valid('param').id)), 200);
  });
