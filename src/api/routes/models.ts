// /v1/models: create, list, read and update models.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { createModel, listModels, updateModel } from '../../registry/models';
import { ModelVersionStatusSchema, modelStatus } from '../predict/version-status';
import type { AppEnv } from '../app-env';
import { protectedRoute } from '../route-config';
import { NameSchema, PageQuerySchema, TagsSchema, json, multiLineText, pageEnvelope, singleLineText } from '../schemas';

export const ModelSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    task: z.string(),
    inputShape: z.array(z.number().int()),
    classLabels: z.array(z.string()),
    description: z.string(),
    tags: TagsSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Model');

const CreateModelSchema = z
  .object({
    name: NameSchema,
    task: singleLineText({ min: 1, max: 128 }).openapi({ example: 'image-classification' }),
    inputShape: z
      .array(z.number().int().positive())
      .min(1)
      .max(8)
      .openapi({ description: 'Shape of one input without the batch dimension.', example: [28, 28, 1] }),
    classLabels: z
      .array(singleLineText({ min: 1, max: 256 }))
      .min(1)
      .max(100_000)
      .openapi({ description: 'Name of each output class, in output order.', example: ['0', '1', '2'] }),
    description: multiLineText(10_000).optional(),
    tags: TagsSchema.optional(),
  })
  .strict()
  .openapi('CreateModel');

const UpdateModelSchema = z
  .object({ description: multiLineText(10_000).optional(), tags: TagsSchema.optional() })
  .strict()
  .openapi('UpdateModel', { description: 'Fields to change; `tags` replaces all tags.' });

// The list's items: each model with what a listing needs to show without a request per model.
const ModelSummarySchema = ModelSchema.extend({
  latestVersion: z.number().int().nullable().openapi({ description: 'The highest active (non-archived) version number; null when the model has none.', example: 3 }),
  aliases: z
    .record(z.string(), z.number().int())
    .openapi({ description: 'Each alias of the model -> the number of the version it points at.', example: { production: 2 } }),
}).openapi('ModelSummary');

const ListModelsQuerySchema = PageQuerySchema.extend({
  q: singleLineText({ min: 1, max: 128 })
    .optional()
    .openapi({
      description: 'Only models whose name or description contains this text, ignoring case; `%`, `_` and `\\` match themselves. `total` counts the matches.',
      example: 'mnist',
    }),
});

export const ModelNameParams = z.object({ name: NameSchema.openapi({ param: { name: 'name', in: 'path' } }) });

const createModelRoute = protectedRoute(
  'write',
  {
    method: 'post',
    operationId: 'createModel',
    path: '/',
    tags: ['models'],
    summary: 'Register a model',
    request: { body: { required: true, ...json(CreateModelSchema) } },
    responses: { 201: { description: 'The new model.', ...json(ModelSchema) } },
  },
  {
    idempotent: true,
    problems: {
      409: 'A model with this name exists already (`conflict`).',
      422: 'The class labels are not distinct (`unprocessable-entity`).',
    },
  },
);

const listModelsRoute = protectedRoute('read', {
  method: 'get',
  operationId: 'listModels',
  path: '/',
  tags: ['models'],
  summary: 'List models, optionally matching a search',
  request: { query: ListModelsQuerySchema },
  responses: {
    200: { description: 'A page of models, by name, each with its latest active version and its aliases.', ...json(pageEnvelope(ModelSummarySchema, 'ModelPage')) },
  },
});

// TF Serving's model status lives here too (one namespace): a model's record carries it, an ensemble's name answers it alone.
const ModelWithStatusSchema = ModelSchema.extend({ model_version_status: ModelVersionStatusSchema }).openapi('ModelWithStatus');
const EnsembleStatusSchema = z.object({ name: z.string(), model_version_status: ModelVersionStatusSchema }).openapi('EnsembleServingStatus');

// `predict` reads it too: it is TF Serving's status endpoint, which a serving client's key must reach (as /metadata).
const getModelRoute = protectedRoute(
  ['read', 'predict'],
  {
    method: 'get',
    operationId: 'getModel',
    path: '/{name}',
    tags: ['models'],
    summary: "Read a model, with TF Serving's version status",
    description: "A model's record with `model_version_status` (every version: `AVAILABLE` when active, `END` when archived); an ensemble's name answers TF Serving's status of its current revision alone. Errors also carry `error`, as TF Serving clients read it.",
    request: { params: ModelNameParams },
    responses: { 200: { description: 'The model, or an ensemble\'s serving status.', ...json(z.union([ModelWithStatusSchema, EnsembleStatusSchema])) } },
  },
  { protocolErrors: true },
);

const updateModelRoute = protectedRoute('write', {
  method: 'patch',
  operationId: 'updateModel',
  path: '/{name}',
  tags: ['models'],
  summary: "Update a model's description or tags",
  request: { params: ModelNameParams, body: { required: true, ...json(UpdateModelSchema) } },
  responses: { 200: { description: 'The updated model.', ...json(ModelSchema) } },
});

export const modelRoutes = new OpenAPIHono<AppEnv>()
  .openapi(createModelRoute, async (c) => c.json(await createModel(c.get('deps'), c.req.valid('json')), 201))
  .openapi(listModelsRoute, async (c) => {
    const { q, ...page } = c.req.valid('query');
    const { items, total } = await listModels(c.get('deps').repo, { q }, page);
    return c.json({ items, total, ...page }, 200);
  })
  .openapi(getModelRoute, async (c) => c.json(await modelStatus(c.get('deps').repo, c.req.valid('param').name), 200))
  .openapi(updateModelRoute, async (c) =>
    c.json(await updateModel(c.get('deps'), c.req.valid('param').name, c.req.valid('json')), 200),
  );
