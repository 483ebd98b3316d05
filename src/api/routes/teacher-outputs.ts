// /v1/teacher-outputs/{key}: a node stores a teacher's logits once (first write wins) for the run it
// holds; nodes and clients download them, verified against the recorded sha256.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { NotFoundError } from '../../registry/errors';
import type { TeacherOutputsRecord } from '../../registry/ports';
import { recordTeacherOutputs, teacherOutputsBlobKey, teacherOutputsOfRun } from '../../registry/teacher-outputs';
import type { AppEnv } from '../app-env';
import { fileDownload } from '../file-download';
import { runHeldWith } from '../node-access';
import { FENCING_TOKEN_HEADER, fencingTokenHeader } from '../node-headers';
import { CONTENT_SHA256_HEADER, receiveRawUpload } from '../raw-upload';
import { protectedRoute } from '../route-config';
import { json, Sha256HexSchema, singleLineText } from '../schemas';

const RUN_HEADER = 'Distillery-Run';

const KeyParams = z.object({ key: Sha256HexSchema.openapi({ param: { name: 'key', in: 'path' }, description: 'The `outputs.key` of a teacher in a claim.' }) });

const TeacherOutputsSchema = z
  .object({
    key: z.string(),
    teacherVersionId: z.string(),
    datasetId: z.string(),
    normalization: z.record(z.string(), z.unknown()),
    sha256: z.string(),
    size: z.number().int(),
    createdAt: z.string(),
  })
  .openapi('TeacherOutputs');

const toTeacherOutputs = ({ blob, ...record }: TeacherOutputsRecord): z.infer<typeof TeacherOutputsSchema> => ({ ...record, sha256: blob.sha256, size: blob.size });

const putRoute = protectedRoute(
  'node',
  {
    method: 'put',
    operationId: 'storeTeacherOutputs',
    path: '/{key}',
    tags: ['nodes'],
    summary: "Store a teacher's outputs (float32 little-endian, examples x classes, in training-file order)",
    description: `For a run the node holds (\`${RUN_HEADER}\`, \`${FENCING_TOKEN_HEADER}\`) with a teacher of that key. The first write wins: a second PUT answers 200 with what is stored, and reads nothing.`,
    request: {
      params: KeyParams,
      headers: z.object({
        [RUN_HEADER]: singleLineText({ min: 1, max: 128 }).openapi({ param: { name: RUN_HEADER, in: 'header', required: true } }),
        [FENCING_TOKEN_HEADER]: fencingTokenHeader,
        [CONTENT_SHA256_HEADER]: Sha256HexSchema.optional().openapi({ param: { name: CONTENT_SHA256_HEADER, in: 'header' } }),
      }),
      body: { required: true, content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
    },
    responses: {
      200: { description: 'Already stored: the first record.', ...json(TeacherOutputsSchema) },
      201: { description: 'Stored.', ...json(TeacherOutputsSchema) },
    },
  },
  {
    problems: {
      409: 'The run is not running under this fencing token (`stale-lease`).',
      422: `The run has no teacher with that key, or the bytes do not hash to \`${CONTENT_SHA256_HEADER}\` (nothing is kept).`,
    },
  },
);

const getRoute = protectedRoute(['node', 'read'], {
  method: 'get',
  operationId: 'downloadTeacherOutputs',
  path: '/{key}',
  tags: ['nodes'],
  summary: "Download a teacher's stored outputs (verified against the recorded sha256, also the ETag)",
  request: { params: KeyParams },
  responses: { 200: { description: 'The outputs.', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } } },
});

export const teacherOutputRoutes = new OpenAPIHono<AppEnv>()
  .openapi(putRoute, async (c) => {
    const { repo, clock } = c.get('deps');
    const { key } = c.req.valid('param');
    const headers = c.req.valid('header');
    const run = await runHeldWith(repo, c.get('principal'), headers[RUN_HEADER], headers[FENCING_TOKEN_HEADER]);
    const subject = await teacherOutputsOfRun(run, key);
    const stored = await repo.getTeacherOutputs(key);
    if (stored) return c.json(toTeacherOutputs(stored), 200);
    const blob = await receiveRawUpload(c, teacherOutputsBlobKey(key), headers[CONTENT_SHA256_HEADER]);
    const recorded = await recordTeacherOutputs(repo, key, subject, blob, clock.now().toISOString());
    return c.json(toTeacherOutputs(recorded), recorded.blob.sha256 === blob.sha256 ? 201 : 200);
  })
  .openapi(getRoute, async (c) => {
    const { key } = c.req.valid('param');
    const stored = await c.get('deps').repo.getTeacherOutputs(key);
    if (!stored) throw new NotFoundError(`no teacher outputs are stored under ${key}`, { key });
    return fileDownload(c, stored.blob, { contentType: 'application/octet-stream', fileName: `teacher-outputs-${key}.f32` });
  });
