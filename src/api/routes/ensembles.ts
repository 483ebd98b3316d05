// /v1/ensembles: named sets of model versions or aliases, each with a weight, and how their outputs
// combine. Members are resolved again on every use: an alias member follows its alias.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import {
  createEnsemble,
  DEFAULT_AGGREGATION,
  deleteEnsemble,
  type EnsembleView,
  getEnsemble,
  listEnsembles,
  MAX_MEMBERS,
  updateEnsemble,
} from '../../registry/ensembles';
import { ENSEMBLE_AGGREGATIONS } from '../../training/spec';
import type { AppEnv } from '../app-env';
import { protectedRoute } from '../route-config';
import { NameSchema, PageQuerySchema, TagsSchema, VersionRefValueSchema, json, multiLineText, pageEnvelope } from '../schemas';

const AggregationSchema = z.enum(ENSEMBLE_AGGREGATIONS).openapi('EnsembleAggregation', {
  description:
    '`mean-probabilities` (the reference): the weighted mean of the members\' probabilities; `mean-logits`: the softmax of the weighted mean of their logits; ' +
    '`weighted`: mean-probabilities with every weight given explicitly; `majority-vote`: the weighted share of members whose top class is each class.',
});

const MemberInputSchema = z
  .strictObject({
    model: NameSchema,
    version: VersionRefValueSchema.openapi({
      description: 'A version number (fixed), or an alias or `latest` (followed: resolved again on every use).',
      example: 'production',
    }),
    // Bounded so that the normalising sum of up to 16 weights stays finite and no normalised weight underflows to 0.
    weight: z.number().min(1e-6).max(1e6).optional().openapi({ description: 'Relative weight, from 1e-6 to 1e6 (default 1); `weighted` needs every member\'s.', example: 1 }),
  })
  .openapi('EnsembleMemberInput');

const MembersSchema = z.array(MemberInputSchema).min(1).max(MAX_MEMBERS);

const CreateEnsembleSchema = z
  .strictObject({
    name: NameSchema.openapi({ description: 'Shares the model names\' namespace: no model may have it.' }),
    description: multiLineText(10_000).optional(),
    tags: TagsSchema.optional(),
    aggregation: AggregationSchema.optional().openapi({ description: `Default \`${DEFAULT_AGGREGATION}\`.` }),
    members: MembersSchema.openapi({ description: `1 to ${MAX_MEMBERS} members agreeing on input shape and class labels.` }),
  })
  .openapi('CreateEnsemble');

const UpdateEnsembleSchema = z
  .strictObject({
    description: multiLineText(10_000).optional(),
    tags: TagsSchema.optional(),
    aggregation: AggregationSchema.optional(),
    members: MembersSchema.optional().openapi({ description: 'Replaces every member.' }),
  })
  .openapi('UpdateEnsemble', { description: 'Fields to change; `tags` and `members` replace all. A change of members or aggregation raises the revision.' });

const MemberSchema = z
  .object({
    position: z.number().int(),
    model: z.string(),
    ref: z.string().openapi({ description: 'The version as written: its number, an alias or `latest`.', example: 'production' }),
    alias: z.string().nullable().openapi({ description: 'The alias (or `latest`) the member follows; null for a fixed version.' }),
    weight: z.number(),
    normalizedWeight: z.number().openapi({ description: 'The weight over the sum of the members\' weights.' }),
    versionId: z.string().nullable().openapi({ description: 'What the member resolves to now; null when its alias names no version any more.' }),
    version: z.number().int().nullable(),
    writtenVersion: z.number().int().openapi({ description: 'The version the member resolved to when it was written.' }),
    moved: z.boolean().openapi({ description: 'The member follows an alias that now resolves elsewhere than when written.' }),
  })
  .openapi('EnsembleMember');

const EnsembleSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    aggregation: AggregationSchema,
    revision: z.number().int().openapi({ description: '1 at creation, raised by every change of members or aggregation.' }),
    tags: TagsSchema,
    inputShape: z.array(z.number().int()),
    classLabels: z.array(z.string()),
    members: z.array(MemberSchema),
    membersMoved: z.boolean().openapi({ description: 'Some alias member now resolves elsewhere than when written.' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Ensemble');

const EnsembleParams = z.object({ name: NameSchema.openapi({ param: { name: 'name', in: 'path' } }) });

function toEnsemble(view: EnsembleView): z.infer<typeof EnsembleSchema> {
  const { ensemble } = view;
  return {
    id: ensemble.id,
    name: ensemble.name,
    description: ensemble.description,
    aggregation: ensemble.aggregation,
    revision: ensemble.revision,
    tags: ensemble.tags,
    inputShape: view.inputShape,
    classLabels: view.classLabels,
    members: view.members.map((member) => ({
      position: member.position,
      model: member.model.name,
      ref: member.alias ?? String(member.written.version),
      alias: member.alias,
      weight: member.weight,
      normalizedWeight: member.normalizedWeight,
      versionId: member.current?.id ?? null,
      version: member.current?.version ?? null,
      writtenVersion: member.written.version,
      moved: member.moved,
    })),
    membersMoved: view.membersMoved,
    createdAt: ensemble.createdAt,
    updatedAt: ensemble.updatedAt,
  };
}

const MEMBER_PROBLEMS =
  'A member names an unknown model, version or alias, an archived version, the same version as another member, or a model whose input shape or class labels ' +
  'differ from members[0]\'s; or `weighted` lacks a weight (`unprocessable-entity`; `errors` names `members[i].model`, `.version` or `.weight`).';

const createRoute = protectedRoute(
  'write',
  {
    method: 'post',
    operationId: 'createEnsemble',
    path: '/',
    tags: ['ensembles'],
    summary: 'Create an ensemble',
    request: { body: { required: true, ...json(CreateEnsembleSchema) } },
    responses: {
      201: {
        description: 'The new ensemble.',
        headers: z.object({ Location: z.string().openapi({ description: 'The ensemble\'s URL.', example: '/v1/ensembles/mnist-teachers' }) }),
        ...json(EnsembleSchema),
      },
    },
  },
  { idempotent: true, problems: { 409: 'A model or an ensemble has this name already (`conflict`).', 422: MEMBER_PROBLEMS } },
);

const listRoute = protectedRoute('read', {
  method: 'get',
  operationId: 'listEnsembles',
  path: '/',
  tags: ['ensembles'],
  summary: 'List ensembles',
  request: { query: PageQuerySchema },
  responses: { 200: { description: 'A page of ensembles, by name, with their members as they resolve now.', ...json(pageEnvelope(EnsembleSchema, 'EnsemblePage')) } },
});

const getRoute = protectedRoute('read', {
  method: 'get',
  operationId: 'getEnsemble',
  path: '/{name}',
  tags: ['ensembles'],
  summary: 'Read an ensemble',
  request: { params: EnsembleParams },
  responses: { 200: { description: 'The ensemble, with its members as they resolve now.', ...json(EnsembleSchema) } },
});

const updateRoute = protectedRoute(
  'write',
  {
    method: 'patch',
    operationId: 'updateEnsemble',
    path: '/{name}',
    tags: ['ensembles'],
    summary: "Update an ensemble's description, tags, aggregation or members",
    request: { params: EnsembleParams, body: { required: true, ...json(UpdateEnsembleSchema) } },
    responses: { 200: { description: 'The updated ensemble.', ...json(EnsembleSchema) } },
  },
  { problems: { 422: MEMBER_PROBLEMS } },
);

const deleteRoute = protectedRoute('write', {
  method: 'delete',
  operationId: 'deleteEnsemble',
  path: '/{name}',
  tags: ['ensembles'],
  summary: 'Delete an ensemble (its members\' versions and its evaluations stay)',
  request: { params: EnsembleParams },
  responses: { 204: { description: 'Deleted.' } },
});

export const ensembleRoutes = new OpenAPIHono<AppEnv>()
  .openapi(createRoute, async (c) => {
    const created = toEnsemble(await createEnsemble(c.get('deps'), c.req.valid('json')));
    return c.json(created, 201, { Location: `/v1/ensembles/${created.name}` });
  })
  .openapi(listRoute, async (c) => {
    const page = c.req.valid('query');
    const { items, total } = await listEnsembles(c.get('deps').repo, page);
    return c.json({ items: items.map(toEnsemble), total, ...page }, 200);
  })
  .openapi(getRoute, async (c) => c.json(toEnsemble(await getEnsemble(c.get('deps').repo, c.req.valid('param').name)), 200))
  .openapi(updateRoute, async (c) =>
    c.json(toEnsemble(await updateEnsemble(c.get('deps'), c.req.valid('param').name, c.req.valid('json'))), 200),
  )
  .openapi(deleteRoute, async (c) => {
    await deleteEnsemble(c.get('deps').repo, c.req.valid('param').name);
    return c.body(null, 204);
  });
