// /v1/datasets: register datasets (multipart upload or a built-in), list and read them, download their files verified.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { DATASET_FILE_ROLES } from '../../registry/dataset-files';
import {
  findDatasetFile,
  getDataset,
  listDatasets,
  registerBuiltinDataset,
  registerUploadedDataset,
} from '../../registry/datasets';
import type { DatasetFormat, DatasetRecord } from '../../registry/records';
import type { AppEnv } from '../app-env';
import { fileDownload } from '../file-download';
import { RequestValidationError, type FieldError } from '../http-errors';
import { issueToFieldErrors } from '../problem';
import { protectedRoute } from '../route-config';
import { NameSchema, PageQuerySchema, integerParam, json, multiLineText, pageEnvelope, singleLineText } from '../schemas';
import { MAX_VERSION_NUMBER } from '../../registry/version-refs';

const FORMATS = Object.keys(DATASET_FILE_ROLES) as [DatasetFormat, ...DatasetFormat[]];
const ALL_ROLES = [...new Set(Object.values(DATASET_FILE_ROLES).flat())];
/** The built-ins the Node server ships (src/datasets/builtin.ts, which this runtime-neutral module must not import). */
const BUILTIN_NAMES = ['mnist', 'fashion-mnist'] as const;

const FormatSchema = z.enum(FORMATS).openapi('DatasetFormat', {
  description: '`idx`: MNIST-family IDX files (unsigned bytes). `cifar10-binary`: CIFAR-10 binary batches.',
});

const DatasetSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    version: z.number().int(),
    format: FormatSchema,
    source: z.string().openapi({ description: '`upload`, or `builtin:<name>`.', example: 'builtin:mnist' }),
    description: z.string(),
    shape: z.array(z.number().int()).openapi({ description: 'Shape of one example (height, width, channels).', example: [28, 28, 1] }),
    classLabels: z.array(z.string()).openapi({ description: 'Index i names class i.' }),
    splits: z
      .record(z.string(), z.object({ count: z.number().int(), classCounts: z.array(z.number().int()) }))
      .openapi({ description: 'Examples per split (`train`, `test`) and per class.' }),
    files: z.array(
      z.object({
        role: z.string().openapi({ example: 'train-images' }),
        sha256: z.string(),
        size: z.number().int(),
      }),
    ),
    createdAt: z.string(),
  })
  .openapi('Dataset');

const DatasetFileSchema = z
  .instanceof(File)
  .optional()
  .openapi({ type: 'string', format: 'binary' });

const UploadDatasetSchema = z
  .strictObject({
    name: NameSchema,
    format: FormatSchema,
    description: multiLineText(4096).optional(),
    class_labels: z
      .string()
      .optional()
      .openapi({ description: 'JSON array of class names, index i naming class i.', example: '["cat","dog"]' }),
    ...Object.fromEntries(ALL_ROLES.map((role) => [role, DatasetFileSchema])),
  })
  .openapi('DatasetUpload', {
    description:
      `File parts are named by role. IDX: ${DATASET_FILE_ROLES.idx.join(', ')} (test files optional). ` +
      'CIFAR-10 binary: train or train-1 … train-5, and optional test. ' +
      'Files may be gzip-compressed (as `train-images-idx3-ubyte.gz` is downloaded): they are stored decompressed, ' +
      'and all files together may hold at most the upload limit once decompressed.',
  });

const RegisterBuiltinSchema = z
  .object({
    builtin: z.enum(BUILTIN_NAMES),
    name: NameSchema.optional().openapi({ description: 'Dataset name; defaults to the built-in name.' }),
  })
  .openapi('RegisterBuiltinDataset');

const ClassLabelsSchema = z.array(singleLineText({ min: 1, max: 256 })).min(1);

const nameParam = NameSchema.openapi({ param: { name: 'name', in: 'path' } });
const versionParam = integerParam({ min: 1, max: MAX_VERSION_NUMBER }).openapi({ param: { name: 'version', in: 'path' }, example: 1 });
const roleParam = z.string().min(1).max(64).openapi({ param: { name: 'role', in: 'path' }, example: 'train-images' });

const created = { 201: { description: 'The registered dataset version.', ...json(DatasetSchema) } };

const uploadDataset = protectedRoute(
  'write',
  {
    method: 'post',
    operationId: 'createDataset',
    path: '/',
    tags: ['datasets'],
    summary: 'Register a dataset version from uploaded files',
    description: 'Every file is parsed and the files are checked against each other before anything is stored.',
    request: { body: { required: true, content: { 'multipart/form-data': { schema: UploadDatasetSchema } } } },
    responses: created,
  },
  { idempotent: true },
);

const registerBuiltin = protectedRoute(
  'write',
  {
    method: 'post',
    operationId: 'registerBuiltinDataset',
    path: '/builtin',
    tags: ['datasets'],
    summary: 'Register a built-in dataset (MNIST, Fashion-MNIST) shipped with the server',
    request: { body: { required: true, ...json(RegisterBuiltinSchema) } },
    responses: created,
  },
  { idempotent: true },
);

const listDatasetVersions = protectedRoute('read', {
  method: 'get',
  operationId: 'listDatasets',
  path: '/',
  tags: ['datasets'],
  summary: 'List dataset versions',
  request: { query: PageQuerySchema },
  responses: { 200: { description: 'A page of dataset versions.', ...json(pageEnvelope(DatasetSchema, 'DatasetPage')) } },
});

const getLatest = protectedRoute('read', {
  method: 'get',
  operationId: 'getDataset',
  path: '/{name}',
  tags: ['datasets'],
  summary: 'The latest version of a dataset',
  request: { params: z.object({ name: nameParam }) },
  responses: { 200: { description: 'The dataset version.', ...json(DatasetSchema) } },
});

const getVersion = protectedRoute('read', {
  method: 'get',
  operationId: 'getDatasetVersion',
  path: '/{name}/versions/{version}',
  tags: ['datasets'],
  summary: 'One version of a dataset',
  request: { params: z.object({ name: nameParam, version: versionParam }) },
  responses: { 200: { description: 'The dataset version.', ...json(DatasetSchema) } },
});

const downloadFile = protectedRoute('read', {
  method: 'get',
  operationId: 'downloadDatasetFile',
  path: '/{name}/versions/{version}/files/{role}',
  tags: ['datasets'],
  summary: 'Download one file of a dataset version',
  description: 'The bytes are checked against the recorded sha256 (also sent as the ETag) while they stream.',
  request: { params: z.object({ name: nameParam, version: versionParam, role: roleParam }) },
  responses: {
    200: {
      description: 'The file, as registered.',
      content: { 'application/octet-stream': { schema: z.string().openapi({ type: 'string', format: 'binary' }) } },
    },
  },
});

function toDataset(record: DatasetRecord) {
  const { files, ...rest } = record;
  return { ...rest, files: files.map(({ role, sha256, size }) => ({ role, sha256, size })) };
}

const CLASS_LABELS_ERROR: FieldError = { in: 'multipart', path: 'class_labels', message: 'must be a JSON array of one or more strings' };

/** JSON.parse, with undefined for text that is not JSON (the schema check after it refuses both alike). */
function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseClassLabels(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const value = parseJsonOrUndefined(text);
  const result = ClassLabelsSchema.safeParse(value);
  if (result.success) return result.data;
  // An array of strings names the offending labels (`class_labels[2]`); anything else is refused whole.
  const isStringArray = Array.isArray(value) && value.length > 0 && value.every((label) => typeof label === 'string');
  const errors = isStringArray ? result.error.issues.flatMap((issue) => issueToFieldErrors('multipart', issue, ['class_labels'])) : [CLASS_LABELS_ERROR];
  throw new RequestValidationError('invalid request body', errors);
}

async function readFileParts(form: Record<string, unknown>): Promise<Record<string, Uint8Array>> {
  const parts = ALL_ROLES.flatMap((role) => {
    const part = form[role];
    return part instanceof File ? [[role, part] as const] : [];
  });
  return Object.fromEntries(await Promise.all(parts.map(async ([role, file]) => [role, new Uint8Array(await file.arrayBuffer())] as const)));
}

export const datasetRoutes = new OpenAPIHono<AppEnv>()
  .openapi(uploadDataset, async (c) => {
    const form = c.req.valid('form');
    const record = await registerUploadedDataset(c.get('deps'), {
      name: form.name,
      format: form.format,
      description: form.description,
      classLabels: parseClassLabels(form.class_labels),
      files: await readFileParts(form),
    });
    return c.json(toDataset(record), 201);
  })
  .openapi(registerBuiltin, async (c) => {
    const { builtin, name } = c.req.valid('json');
    const record = await registerBuiltinDataset(c.get('deps'), builtin, { name });
    return c.json(toDataset(record), 201);
  })
  .openapi(listDatasetVersions, async (c) => {
    const page = c.req.valid('query');
    const { items, total } = await listDatasets(c.get('deps').repo, page);
    return c.json({ items: items.map(toDataset), total, ...page }, 200);
  })
  .openapi(getLatest, async (c) => {
    const record = await getDataset(c.get('deps').repo, c.req.valid('param').name);
    return c.json(toDataset(record), 200);
  })
  .openapi(getVersion, async (c) => {
    const { name, version } = c.req.valid('param');
    return c.json(toDataset(await getDataset(c.get('deps').repo, name, version)), 200);
  })
  .openapi(downloadFile, async (c) => {
    const { name, version, role } = c.req.valid('param');
    const file = await findDatasetFile(c.get('deps').repo, name, version, role);
    return fileDownload(c, file, { contentType: 'application/octet-stream', fileName: `${name}-v${version}-${role}` });
  });
