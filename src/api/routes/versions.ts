// /v1/models/{name}/versions: upload, list, read, update, archive, delete and download model versions.
// `{version}` is a version number, an alias, or `latest`.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { EvaluationStore } from '../../registry/ports';
import type { EvaluationRecord, ModelVersionRecord } from '../../registry/records';
import { getVersion } from '../../registry/version-refs';
import { ModelVersionStatusSchema, versionStatus } from '../predict/version-status';
import { deleteVersion, findArtifactFile, listVersions, updateVersion, uploadVersion } from '../../registry/versions';
import type { AppEnv } from '../app-env';
import { fileDownload } from '../file-download';
import { protectedRoute } from '../route-config';
import { NameSchema, PageQuerySchema, TagsSchema, VersionRefSchema, json, multiLineText, pageEnvelope } from '../schemas';
import { UploadFormSchema, UploadMetadataSchema, readVersionUpload } from '../version-upload';
import { LatestEvaluationSchema, toLatestEvaluation } from './evaluations';

const BlobSummarySchema = z.object({ sha256: z.string(), size: z.number().int() }).openapi('BlobSummary');

export const VersionSchema = z
  .object({
    id: z.string(),
    model: z.string(),
    version: z.number().int(),
    status: z.enum(['active', 'archived']),
    description: z.string(),
    files: z.object({ 'model.json': BlobSummarySchema, 'weights.bin': BlobSummarySchema }),
    params: z.record(z.string(), z.unknown()),
    metrics: z.record(z.string(), z.number()),
    tags: TagsSchema,
    sourceRunId: z.string().nullable(),
    createdAt: z.string(),
    archivedAt: z.string().nullable(),
    latestEvaluation: LatestEvaluationSchema.nullable().openapi({ description: 'Its newest finished evaluation (`GET /v1/evaluations?model=&version=`), or null.' }),
  })
  .openapi('ModelVersion');

type Version = z.infer<typeof VersionSchema>;

/** The versions as the API shows them, each with its newest evaluation (read for all of them at once). */
export async function toVersions(repo: EvaluationStore, modelName: string, versions: ModelVersionRecord[]): Promise<Version[]> {
  const latest = new Map((await repo.latestEvaluations(versions.map((v) => v.id))).map((record) => [record.versionId, record]));
  return versions.map((v) => toVersion(modelName, v, latest.get(v.id)));
}

export async function toVersionOf(repo: EvaluationStore, modelName: string, version: ModelVersionRecord): Promise<Version> {
  return (await toVersions(repo, modelName, [version]))[0]!;
}

function toVersion(modelName: string, v: ModelVersionRecord, latestEvaluation: EvaluationRecord | undefined): Version {
  return {
    id: v.id,
    model: modelName,
    version: v.version,
    status: v.status,
    description: v.description,
    files: {
      'model.json': { sha256: v.modelJson.sha256, size: v.modelJson.size },
      'weights.bin': { sha256: v.weights.sha256, size: v.weights.size },
    },
    params: v.params,
    metrics: v.metrics,
    tags: v.tags,
    sourceRunId: v.sourceRunId,
    createdAt: v.createdAt,
    archivedAt: v.archivedAt,
    latestEvaluation: latestEvaluation ? toLatestEvaluation(latestEvaluation) : null,
  };
}

const VersionRefParam = VersionRefSchema.openapi({
  param: { name: 'version', in: 'path' },
  description: 'Version number (`3`), alias (`production`), or `latest` (the newest active version).',
  example: '1',
});

const ModelParams = z.object({ name: NameSchema.openapi({ param: { name: 'name', in: 'path' } }) });
export const VersionParams = ModelParams.extend({ version: VersionRefParam });
const FileParams = VersionParams.extend({
  file: z.enum(['model.json', 'weights.bin']).openapi({ param: { name: 'file', in: 'path' } }),
});

const ListVersionsQuery = PageQuerySchema.extend({
  include_archived: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true')
    .openapi({ description: 'Include archived versions (hidden by default).' }),
});

const UpdateVersionSchema = z
  .object({ description: multiLineText(10_000).optional(), tags: TagsSchema.optional() })
  .strict()
  .openapi('UpdateVersion', { description: 'Fields to change; `tags` replaces all tags.' });

const versionResponse = (description: string) => ({ 200: { description, ...json(VersionSchema) } });

const uploadRoute = protectedRoute(
  'write',
  {
    method: 'post',
    operationId: 'createModelVersion',
    path: '/{name}/versions',
    tags: ['versions'],
    summary: 'Upload a new version (TensorFlow.js Layers artifact)',
    description:
      'Multipart form: a `model.json` part, one `weights` part per file the manifest names (filename = manifest path), and an optional `metadata` part holding `VersionUploadMetadata` JSON. The artifact is checked the same way on every runtime (the shapes through its topology, and the weight manifest against the layers and the bytes; Node also loads it with TensorFlow.js) and must match the model (input shape, one output per class label); parents must exist. Stored as `model.json` (manifest rewritten to one file) and `weights.bin`, each with its sha256.',
    request: {
      params: ModelParams,
      body: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: UploadFormSchema,
            encoding: { 'model.json': { contentType: 'application/json' }, metadata: { contentType: 'application/json' } },
          },
        },
      },
    },
    responses: { 201: { description: 'The new version.', ...json(VersionSchema) } },
  },
  {
    idempotent: true,
    problems: {
      422: 'The artifact does not load or does not fit the model, or a parent does not exist (`unprocessable-entity`).',
    },
  },
);

const listRoute = protectedRoute('read', {
  method: 'get',
  operationId: 'listModelVersions',
  path: '/{name}/versions',
  tags: ['versions'],
  summary: "List a model's versions",
  request: { params: ModelParams, query: ListVersionsQuery },
  responses: { 200: { description: 'A page of versions, newest first.', ...json(pageEnvelope(VersionSchema, 'ModelVersionPage')) } },
});

const VersionWithStatusSchema = VersionSchema.extend({ model_version_status: ModelVersionStatusSchema }).openapi('ModelVersionWithStatus');

const getRoute = protectedRoute(
  'read',
  {
    method: 'get',
    operationId: 'getModelVersion',
    path: '/{name}/versions/{version}',
    tags: ['versions'],
    summary: "Read a version (by number or alias), with TF Serving's status of it",
    request: { params: VersionParams },
    responses: { 200: { description: 'The version.', ...json(VersionWithStatusSchema) } },
  },
  { protocolErrors: true },
);

const updateRoute = protectedRoute('write', {
  method: 'patch',
  operationId: 'updateModelVersion',
  path: '/{name}/versions/{version}',
  tags: ['versions'],
  summary: "Update a version's description or tags",
  request: { params: VersionParams, body: { required: true, ...json(UpdateVersionSchema) } },
  responses: versionResponse('The updated version.'),
});

/** POST …/archive hides a version from lists (it stays readable by number); …/unarchive shows it again. */
function archivalRoute<A extends 'archive' | 'unarchive'>(action: A, summary: string) {
  return protectedRoute('write', {
    method: 'post',
    operationId: `${action}ModelVersion` as const,
    path: `/{name}/versions/{version}/${action}` as `/{name}/versions/{version}/${A}`,
    tags: ['versions'],
    summary,
    request: { params: VersionParams },
    responses: versionResponse(`The ${action}d version.`),
  });
}

const archiveRoute = archivalRoute('archive', 'Archive a version (hidden from lists, still readable by number)');
const unarchiveRoute = archivalRoute('unarchive', 'Unarchive a version');

const deleteRoute = protectedRoute(
  'write',
  {
    method: 'delete',
    operationId: 'deleteModelVersion',
    path: '/{name}/versions/{version}',
    tags: ['versions'],
    summary: 'Delete a version without descendants (409 if other versions were made from it)',
    request: { params: VersionParams },
    responses: { 204: { description: 'Deleted, with its aliases and its parent edges.' } },
  },
  { problems: { 409: 'Other versions were made from this one, or an ensemble or run still uses it (`conflict`).' } },
);

const downloadRoute = protectedRoute('read', {
  method: 'get',
  operationId: 'downloadModelVersionFile',
  path: '/{name}/versions/{version}/files/{file}',
  tags: ['versions'],
  summary: 'Download model.json or weights.bin (verified against the recorded sha256)',
  request: { params: FileParams },
  responses: {
    200: {
      description: 'The file. `ETag` is its sha256; a stored file that no longer matches it is never served complete.',
      content: {
        'application/json': { schema: z.string().openapi({ format: 'binary' }) },
        'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) },
      },
    },
  },
});

export const versionRoutes = new OpenAPIHono<AppEnv>();
versionRoutes.openAPIRegistry.register('VersionUploadMetadata', UploadMetadataSchema);

versionRoutes
  .openapi(uploadRoute, async (c) => {
    const { name } = c.req.valid('param');
    const version = await uploadVersion(c.get('deps'), name, await readVersionUpload(c.req.valid('form')));
    return c.json(await toVersionOf(c.get('deps').repo, name, version), 201);
  })
  .openapi(listRoute, async (c) => {
    const { name } = c.req.valid('param');
    const { include_archived: includeArchived, limit, offset } = c.req.valid('query');
    const { repo } = c.get('deps');
    const { items, total } = await listVersions(repo, name, { includeArchived, page: { limit, offset } });
    return c.json({ items: await toVersions(repo, name, items), total, limit, offset }, 200);
  })
  .openapi(getRoute, async (c) => {
    const { name, version } = c.req.valid('param');
    const { repo } = c.get('deps');
    const found = (await getVersion(repo, name, version)).version;
    return c.json({ ...(await toVersionOf(repo, name, found)), model_version_status: [versionStatus(found)] }, 200);
  })
  .openapi(updateRoute, async (c) => {
    const { name, version } = c.req.valid('param');
    return c.json(await toVersionOf(c.get('deps').repo, name, await updateVersion(c.get('deps'), name, version, c.req.valid('json'))), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { name, version } = c.req.valid('param');
    await deleteVersion(c.get('deps'), name, version);
    return c.body(null, 204);
  })
  .openapi(downloadRoute, async (c) => {
    const { name, version, file } = c.req.valid('param');
    const blob = await findArtifactFile(c.get('deps').repo, name, version, file);
    const contentType = file === 'model.json' ? 'application/json' : 'application/octet-stream';
    return fileDownload(c, blob, { contentType, fileName: file });
  });

for (const [route, archived] of [
  [archiveRoute, true],
  [unarchiveRoute, false],
] as const) {
  versionRoutes.openapi(route, async (c) => {
    const { name, version } = c.req.valid('param');
    return c.json(await toVersionOf(c.get('deps').repo, name, await updateVersion(c.get('deps'), name, version, { archived })), 200);
  });
}
