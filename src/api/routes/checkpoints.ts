// /v1/runs/{id}/checkpoints: a node plans and uploads the checkpoint files of the run it holds, then
// records the checkpoint once the API has verified every stored object; clients list them.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { CHECKPOINT_FILES, checkpointFileKey, commitCheckpoint, planCheckpointUploads, type DeclaredFile } from '../../registry/checkpoints';
import { UnprocessableError } from '../../registry/errors';
import type { CheckpointRecord } from '../../registry/records';
import { getRun } from '../../registry/runs';
import type { AppEnv } from '../app-env';
import { runHeldByCaller, runHeldWith, STALE_LEASE_PROBLEM } from '../node-access';
import { FENCING_TOKEN_HEADER, FencingTokenSchema, fencingTokenHeader } from '../node-headers';
import { CONTENT_SHA256_HEADER, receiveRawUpload } from '../raw-upload';
import { protectedRoute } from '../route-config';
import { integerParam, json, recordOf, RecordKeySchema, Sha256HexSchema } from '../schemas';
import { RunIdParams } from './runs';

const FileNameSchema = z.enum(CHECKPOINT_FILES).openapi('CheckpointFileName');
const EpochSchema = z.number().int().min(1).max(1_000_000);

const DeclaredFileSchema = z
  .strictObject({ name: FileNameSchema, size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), sha256: Sha256HexSchema })
  .openapi('CheckpointFileDeclaration');

const DeclaredFilesSchema = z
  .array(DeclaredFileSchema)
  .min(1)
  .max(CHECKPOINT_FILES.length)
  .refine((files) => new Set(files.map((file) => file.name)).size === files.length, { message: 'names each file once' });

const PlanUploadsSchema = z.strictObject({ fencingToken: FencingTokenSchema, epoch: EpochSchema, files: DeclaredFilesSchema }).openapi('CheckpointUploadRequest');

const UploadPlanSchema = z
  .object({
    files: z.array(
      z.object({
        name: FileNameSchema,
        method: z.literal('PUT'),
        url: z.string().openapi({ description: 'A presigned URL (absolute: send no API key) or this API\'s upload route (relative: send the node key).' }),
        headers: z.record(z.string(), z.string()).openapi({ description: 'Headers to send with the PUT.' }),
      }),
    ),
  })
  .openapi('CheckpointUploadPlan');

const CommitSchema = z
  .strictObject({
    fencingToken: FencingTokenSchema,
    epoch: EpochSchema,
    files: DeclaredFilesSchema,
    valMetric: z.number().nullable().openapi({ description: 'The validation metric the best checkpoint is chosen by.' }),
    isBest: z.boolean().openapi({ description: 'Makes it the run\'s only best checkpoint.' }),
    metrics: recordOf(RecordKeySchema, z.unknown(), { additionalProperties: {} }).openapi({
      description: 'The engine\'s CheckpointMetrics, handed back to the attempt that resumes from this checkpoint.',
    }),
  })
  .openapi('CheckpointCommit');

const FileRefSchema = z.object({ sha256: z.string(), size: z.number().int() });

const CheckpointSchema = z
  .object({
    id: z.string(),
    attempt: z.number().int(),
    epoch: z.number().int(),
    sha256: z.string().openapi({ description: 'Of weights.bin.' }),
    size: z.number().int().openapi({ description: 'Of weights.bin.' }),
    valMetric: z.number().nullable(),
    isBest: z.boolean(),
    createdAt: z.string(),
    files: z.record(z.string(), FileRefSchema).openapi({ description: 'Every stored file by name.' }),
  })
  .openapi('Checkpoint');

function toCheckpoint(record: CheckpointRecord): z.infer<typeof CheckpointSchema> {
  const files = { 'model.json': record.modelJson, 'weights.bin': record.weights, ...(record.optimizer ? { 'optimizer.bin': record.optimizer } : {}) };
  return {
    id: record.id,
    attempt: record.attempt,
    epoch: record.epoch,
    sha256: record.weights.sha256,
    size: record.weights.size,
    valMetric: record.valMetric,
    isBest: record.isBest,
    createdAt: record.createdAt,
    files: Object.fromEntries(Object.entries(files).map(([name, { sha256, size }]) => [name, { sha256, size }])),
  };
}


const planUploadsRoute = protectedRoute(
  'node',
  {
    method: 'post',
    operationId: 'planCheckpointUpload',
    path: '/{id}/checkpoints/uploads',
    tags: ['nodes'],
    summary: 'Where to PUT the files of a checkpoint',
    description: 'A presigned PUT per file when the blob store has them (S3, R2), to a key unique to the attempt; else this API\'s upload route.',
    request: { params: RunIdParams, body: { required: true, ...json(PlanUploadsSchema) } },
    responses: { 200: { description: 'One PUT per declared file.', ...json(UploadPlanSchema) } },
  },
  { problems: { 409: STALE_LEASE_PROBLEM, 422: 'A declared file is larger than this API accepts for an upload through it.' } },
);

const uploadFileRoute = protectedRoute(
  'node',
  {
    method: 'put',
    operationId: 'uploadCheckpointFile',
    path: '/{id}/checkpoints/{epoch}/files/{name}',
    tags: ['nodes'],
    summary: 'Upload one checkpoint file through the API (stores without presigned URLs)',
    description: `The raw bytes, streamed to the blob store with bounded memory. \`${CONTENT_SHA256_HEADER}\`, when sent, must be their sha256.`,
    request: {
      params: RunIdParams.extend({
        epoch: integerParam({ min: 1, max: 1_000_000 }).openapi({ param: { name: 'epoch', in: 'path' } }),
        name: FileNameSchema.openapi({ param: { name: 'name', in: 'path' } }),
      }),
      headers: z.object({
        [FENCING_TOKEN_HEADER]: fencingTokenHeader,
        [CONTENT_SHA256_HEADER]: Sha256HexSchema.optional().openapi({ param: { name: CONTENT_SHA256_HEADER, in: 'header' } }),
      }),
      body: { required: true, content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
    },
    responses: { 200: { description: 'What was stored.', ...json(z.object({ name: FileNameSchema, sha256: z.string(), size: z.number().int() }).openapi('StoredCheckpointFile')) } },
  },
  { problems: { 409: `${STALE_LEASE_PROBLEM} Or the file was already stored with other bytes (\`conflict\`).`, 422: `The bytes do not hash to \`${CONTENT_SHA256_HEADER}\`; nothing is kept.` } },
);

const commitRoute = protectedRoute(
  'node',
  {
    method: 'post',
    operationId: 'recordCheckpoint',
    path: '/{id}/checkpoints',
    tags: ['nodes'],
    summary: 'Record an uploaded checkpoint',
    description: 'Every declared file is read back from the store and must have its size and sha256 (a presigned PUT is not write-once). Repeating the same commit returns the same checkpoint.',
    request: { params: RunIdParams, body: { required: true, ...json(CommitSchema) } },
    responses: { 201: { description: 'The recorded checkpoint.', ...json(CheckpointSchema) } },
  },
  {
    problems: {
      409: `${STALE_LEASE_PROBLEM} Or this attempt already recorded a different checkpoint for the epoch (\`conflict\`).`,
      422: 'A stored object is missing or is not the declared bytes (`unprocessable-entity`; `errors` names the file); nothing is recorded.',
    },
  },
);

const listRoute = protectedRoute('read', {
  method: 'get',
  operationId: 'listRunCheckpoints',
  path: '/{id}/checkpoints',
  tags: ['runs'],
  summary: 'The checkpoints of a run, in attempt then epoch order',
  request: { params: RunIdParams },
  responses: { 200: { description: 'Every checkpoint recorded.', ...json(z.object({ items: z.array(CheckpointSchema) }).openapi('CheckpointList')) } },
});

/** The API's own upload route of a file, as a node calls it (relative to the API's base URL). */
const uploadPath = (runId: string, epoch: number, name: string) =>
  `/v1/runs/${encodeURIComponent(runId)}/checkpoints/${epoch}/files/${name}`;

/** Through the API the upload limit applies; a presigned PUT goes to the bucket, which has its own. */
function assertUploadable(files: DeclaredFile[], limitBytes: number): void {
  const index = files.findIndex((file) => file.size > limitBytes);
  if (index < 0) return;
  throw new UnprocessableError(`checkpoint files uploaded through the API are limited to ${limitBytes} bytes`, {
    errors: [{ in: 'body', path: `files[${index}].size`, message: `is over the upload limit of ${limitBytes} bytes` }],
  });
}

export const checkpointRoutes = new OpenAPIHono<AppEnv>()
  .openapi(planUploadsRoute, async (c) => {
    const { repo, blobs, limits } = c.get('deps');
    const { fencingToken, epoch, files } = c.req.valid('json');
    const run = await runHeldWith(repo, c.get('principal'), c.req.valid('param').id, fencingToken);
    const plan = await planCheckpointUploads(blobs, run, epoch, files);
    if (plan.some((upload) => upload.presignedUrl === null)) assertUploadable(files, limits.uploadBytes);
    return c.json(
      {
        files: plan.map(({ file, presignedUrl }) => ({
          name: file.name,
          method: 'PUT' as const,
          url: presignedUrl ?? uploadPath(run.id, epoch, file.name),
          headers: presignedUrl
            ? {}
            : { 'Content-Type': 'application/octet-stream', [FENCING_TOKEN_HEADER]: String(fencingToken), [CONTENT_SHA256_HEADER]: file.sha256 },
        })),
      },
      200,
    );
  })
  .openapi(uploadFileRoute, async (c) => {
    const { id, epoch, name } = c.req.valid('param');
    const headers = c.req.valid('header');
    const run = await runHeldWith(c.get('deps').repo, c.get('principal'), id, headers[FENCING_TOKEN_HEADER]);
    const stored = await receiveRawUpload(c, checkpointFileKey(run.id, run.attempt, epoch, name), headers[CONTENT_SHA256_HEADER]);
    return c.json({ name, sha256: stored.sha256, size: stored.size }, 200);
  })
  .openapi(commitRoute, async (c) => {
    const deps = c.get('deps');
    const { fencingToken, ...commit } = c.req.valid('json');
    const run = await runHeldByCaller(deps.repo, c.get('principal'), c.req.valid('param').id);
    return c.json(toCheckpoint(await commitCheckpoint(deps, run, fencingToken, commit)), 201);
  })
  .openapi(listRoute, async (c) => {
    const { repo } = c.get('deps');
    const run = await getRun(repo, c.req.valid('param').id);
    return c.json({ items: (await repo.listCheckpoints(run.id)).map(toCheckpoint) }, 200);
  });
