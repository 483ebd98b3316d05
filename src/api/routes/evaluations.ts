// /v1/evaluations: score a version (number or alias) or an ensemble on a dataset split with an
// `evaluate` run on a node; read one at any status, list the finished ones per version or ensemble.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { createEvaluation, type Evaluation, getEvaluation, listEvaluations } from '../../registry/evaluations';
import type { EvaluationRecord, JsonObject } from '../../registry/records';
import { evaluateSpecOf } from '../../registry/stored-run-spec';
import { ENSEMBLE_AGGREGATIONS } from '../../training/spec';
import type { AppEnv } from '../app-env';
import { IDEMPOTENCY_HEADER } from '../middleware/idempotency';
import { protectedRoute } from '../route-config';
import { NameSchema, PageQuerySchema, VersionRefSchema, json, pageEnvelope, singleLineText } from '../schemas';
import { DatasetRefBodySchema, VersionRefBodySchema } from './runs';

const SplitSchema = z.enum(['test', 'validation', 'train']).openapi('EvaluationSplit', {
  description: '`test`: the test file; `validation`: the reference protocol\'s hold-out (10 % of the training file, split seed 42); `train`: the whole training file.',
});

const probability = () => z.number().min(0).max(1);
const count = () => z.number().int().min(0);

export const ScoreSchema = z
  .object({ count: count(), accuracy: probability(), nll: z.number().min(0), ece: probability() })
  .openapi('EvaluationScore', { description: 'Examples scored, accuracy, mean negative log-likelihood of the true class, expected calibration error (15 bins).' });

const ReliabilityBinSchema = z
  .object({
    lower: probability(),
    upper: probability(),
    count: count(),
    accuracy: probability().nullable().openapi({ description: "Share of the bin's examples predicted right; null for an empty bin." }),
    confidence: probability().nullable().openapi({ description: "Mean top probability of the bin's examples; null for an empty bin." }),
  })
  .openapi('ReliabilityBin', { description: 'One bin of the reliability diagram: the examples whose top probability is in (lower, upper].' });

const ClassAccuracySchema = z
  .object({ class: count(), label: z.string(), count: count(), accuracy: probability().nullable() })
  .openapi('ClassAccuracy', { description: 'Accuracy on the examples of one true class; null when it has none.' });

const ConfusionMatrixSchema = z.array(z.array(count())).openapi({ description: 'confusionMatrix[true class][predicted class] = examples.' });

/** What a node's completion of an evaluate run carries (docs/node-protocol.md). */
export const ReportedEvaluationSchema = ScoreSchema.extend({
  reliability: z.array(ReliabilityBinSchema).min(1).max(100),
  perClassAccuracy: z.array(ClassAccuracySchema).max(10_000),
  confusionMatrix: ConfusionMatrixSchema.max(10_000),
  members: z
    .array(ScoreSchema.extend({ versionId: singleLineText({ min: 1, max: 128 }) }))
    .min(1)
    .max(64)
    .openapi({ description: 'Each member scored on its own, in the order of the spec\'s members (one for a version).' }),
}).openapi('ReportedEvaluation');

const MemberSchema = z
  .object({ versionId: z.string(), model: z.string(), version: z.number().int(), weight: z.number().openapi({ description: 'Normalised over the members (sums to 1).' }) })
  .openapi('EvaluationMember');

const TargetSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('version'), model: z.string(), version: z.number().int(), versionId: z.string() }),
    z.object({ kind: z.literal('ensemble'), name: z.string(), revision: z.number().int(), aggregation: z.enum(ENSEMBLE_AGGREGATIONS) }),
  ])
  .openapi('EvaluationTarget');

const EvaluationSchema = z
  .object({
    id: z.string().openapi({ description: 'Also the id of its evaluate run (`GET /v1/runs/{id}`).' }),
    status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
    target: TargetSchema,
    dataset: z.object({ id: z.string(), name: z.string(), version: z.number().int() }),
    split: SplitSchema,
    members: z.array(MemberSchema).openapi({ description: 'The versions scored, as resolved when the evaluation was created.' }),
    // A union, not `.nullable()`: on a referenced schema that gives `allOf`, which generated clients read as never null.
    metrics: z.union([ScoreSchema, z.null()]).openapi({ description: "The target's numbers; null until the run succeeded." }),
    reliability: z.array(ReliabilityBinSchema).nullable(),
    perClassAccuracy: z.array(ClassAccuracySchema).nullable(),
    confusionMatrix: ConfusionMatrixSchema.nullable(),
    memberMetrics: z
      .array(ScoreSchema.extend({ versionId: z.string(), model: z.string(), version: z.number().int() }))
      .nullable()
      .openapi({ description: "An ensemble's members, each scored on its own beside the ensemble; null for a version." }),
    error: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'Why the run failed (`type`, `message`, …).' }),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('Evaluation');

/** The version record's summary of its newest evaluation. */
export const LatestEvaluationSchema = z
  .object({
    id: z.string(),
    dataset: z.object({ id: z.string(), name: z.string(), version: z.number().int() }),
    split: SplitSchema,
    accuracy: probability(),
    nll: z.number().min(0),
    ece: probability(),
    createdAt: z.string().openapi({ description: 'When it finished.' }),
  })
  .openapi('LatestEvaluation');

type Report = { dataset: z.infer<typeof LatestEvaluationSchema>['dataset'] } & Pick<z.infer<typeof EvaluationSchema>, 'reliability' | 'perClassAccuracy' | 'confusionMatrix' | 'memberMetrics'>;
const reportOf = (record: EvaluationRecord): Report => {
  const report = record.report as JsonObject & Partial<Report> & { members?: Report['memberMetrics'] };
  return {
    dataset: report.dataset!,
    reliability: report.reliability ?? null,
    perClassAccuracy: report.perClassAccuracy ?? null,
    confusionMatrix: report.confusionMatrix ?? null,
    memberMetrics: report.members ?? null,
  };
};

export function toLatestEvaluation(record: EvaluationRecord): z.infer<typeof LatestEvaluationSchema> {
  const { id, split, accuracy, nll, ece, createdAt } = record;
  return { id, dataset: reportOf(record).dataset, split, accuracy, nll, ece, createdAt };
}

function toEvaluation({ run, record }: Evaluation): z.infer<typeof EvaluationSchema> {
  const spec = evaluateSpecOf(run);
  const target: z.infer<typeof TargetSchema> = spec.ensemble
    ? { kind: 'ensemble', name: spec.ensemble.name, revision: spec.ensemble.revision, aggregation: spec.aggregation }
    : { kind: 'version', model: spec.version!.model, version: spec.version!.version, versionId: spec.version!.id };
  const report = record && reportOf(record);
  return {
    id: run.id,
    status: run.status,
    target,
    dataset: spec.dataset,
    split: spec.split,
    members: spec.members.map(({ versionId, model, version, weight }) => ({ versionId, model, version, weight })),
    metrics: record && { count: record.count, accuracy: record.accuracy, nll: record.nll, ece: record.ece },
    reliability: report?.reliability ?? null,
    perClassAccuracy: report?.perClassAccuracy ?? null,
    confusionMatrix: report?.confusionMatrix ?? null,
    memberMetrics: report?.memberMetrics ?? null,
    error: run.error,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
  };
}

const CreateEvaluationSchema = z
  .strictObject({
    version: VersionRefBodySchema.optional().openapi({ description: 'The version to evaluate; give this or `ensemble`.' }),
    ensemble: NameSchema.optional().openapi({ description: 'The ensemble to evaluate (its members as they resolve now); give this or `version`.' }),
    dataset: DatasetRefBodySchema,
    split: SplitSchema.optional().openapi({ description: 'Defaults to `test`.' }),
  })
  .openapi('CreateEvaluation');

const IdParams = z.object({ id: singleLineText({ min: 1, max: 128 }).openapi({ param: { name: 'id', in: 'path' } }) });

const ListEvaluationsQuery = PageQuerySchema.extend({
  model: NameSchema.optional().openapi({ description: 'With `version`: the evaluations of that version.' }),
  version: VersionRefSchema.optional().openapi({ description: 'A version number, an alias or `latest` of `model`.' }),
  ensemble: NameSchema.optional().openapi({ description: 'The evaluations of the ensemble of that name (also after it was deleted).' }),
});

const createRoute = protectedRoute(
  'write',
  {
    method: 'post',
    operationId: 'createEvaluation',
    path: '/',
    tags: ['evaluations'],
    summary: 'Evaluate a version or an ensemble on a dataset split',
    description:
      'Resolves the target (a version by number, alias or `latest`, or an ensemble\'s members now), checks that every member fits the dataset and that the split exists, ' +
      'and queues an `evaluate` run whose id is the evaluation\'s. A node scores every member with the normalisation it was trained with, combines them as the ensemble says, ' +
      'and reports accuracy, NLL, ECE with its reliability bins, per-class accuracy, the confusion matrix and each member\'s numbers.',
    request: { body: { required: true, ...json(CreateEvaluationSchema) } },
    responses: {
      202: {
        description: 'The evaluation, queued.',
        headers: z.object({ Location: z.string().openapi({ description: '`/v1/evaluations/{id}`.' }) }),
        ...json(EvaluationSchema),
      },
    },
  },
  {
    idempotent: true,
    problems: {
      422: 'Neither or both of version and ensemble, an unknown model, version, alias, ensemble or dataset, a member that does not fit the dataset, or a split the dataset lacks (`unprocessable-entity`, naming the field).',
    },
  },
);

const listRoute = protectedRoute(
  'read',
  {
    method: 'get',
    operationId: 'listEvaluations',
    path: '/',
    tags: ['evaluations'],
    summary: 'List finished evaluations, newest first',
    request: { query: ListEvaluationsQuery },
    responses: { 200: { description: 'A page of evaluations.', ...json(pageEnvelope(EvaluationSchema, 'EvaluationPage')) } },
  },
  { problems: { 404: 'The model, or its version or alias, does not exist (`not-found`).' } },
);

const getRoute = protectedRoute('read', {
  method: 'get',
  operationId: 'getEvaluation',
  path: '/{id}',
  tags: ['evaluations'],
  summary: 'Read an evaluation at any status: its report once its run succeeded',
  request: { params: IdParams },
  responses: { 200: { description: 'The evaluation.', ...json(EvaluationSchema) } },
});

export const evaluationRoutes = new OpenAPIHono<AppEnv>()
  .openapi(createRoute, async (c) => {
    const requester = { apiKeyId: c.get('principal').apiKeyId, idempotencyKey: c.req.header(IDEMPOTENCY_HEADER) ?? null };
    const run = await createEvaluation(c.get('deps'), c.req.valid('json'), requester);
    return c.json(toEvaluation({ run, record: null }), 202, { Location: `/v1/evaluations/${run.id}` });
  })
  .openapi(listRoute, async (c) => {
    const { model, version, ensemble, ...page } = c.req.valid('query');
    const { items, total } = await listEvaluations(c.get('deps').repo, { model, version, ensemble }, page);
    return c.json({ items: items.map(toEvaluation), total, ...page }, 200);
  })
  .openapi(getRoute, async (c) => {
    return c.json(toEvaluation(await getEvaluation(c.get('deps').repo, c.req.valid('param').id)), 200);
  });
