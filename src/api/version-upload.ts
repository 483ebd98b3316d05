// Reads the multipart upload of a model version into the registry's VersionUpload: the model.json
// part, one `weights` part per manifest file (filename = manifest path) and the optional metadata JSON.
import { z } from '@hono/zod-openapi';
import type { VersionUpload } from '../registry/versions';
import { BadRequestError, RequestValidationError } from './http-errors';
import { issueToFieldErrors } from './problem';
import { NameSchema, RECORD_KEY_SPEC, RecordKeySchema, TagsSchema, VersionRefValueSchema, multiLineText, recordOf, singleLineText } from './schemas';

/** Free JSON (hyperparameters…), every key kept, `__proto__` included. */
const JsonObjectSchema = recordOf(z.string(), z.unknown(), { additionalProperties: {} });

export const ParentSchema = z
  .object({
    model: NameSchema,
    version: VersionRefValueSchema.openapi({ description: 'Version number, or an alias of the parent model.', example: 3 }),
    relation: z.enum(['teacher', 'ensemble-member', 'init']),
    weight: z.number().nonnegative().optional().openapi({ description: "This parent's weight among the parents of the same relation." }),
    method: singleLineText({ max: 128 }).optional().openapi({ example: 'knowledge-distillation' }),
    params: JsonObjectSchema.optional().openapi({ description: 'Hyperparameters of the method (temperature, alpha…).' }),
    runId: singleLineText({ max: 128 }).optional(),
    datasetId: singleLineText({ max: 128 }).optional(),
  })
  .strict()
  .openapi('ParentRef');

export const UploadMetadataSchema = z
  .object({
    description: multiLineText(10_000).optional(),
    params: JsonObjectSchema.optional().openapi({ description: 'Hyperparameters or anything worth recording.' }),
    metrics: recordOf(RecordKeySchema, z.number(), { additionalProperties: { type: 'number' }, propertyNames: RECORD_KEY_SPEC })
      .optional()
      .openapi({ example: { test_accuracy: 0.8907 } }),
    tags: TagsSchema.optional(),
    parents: z.array(ParentSchema).max(1000).optional().openapi({ description: 'Versions this one was made from.' }),
    sourceRunId: singleLineText({ max: 128 }).optional(),
  })
  .strict()
  .openapi('VersionUploadMetadata');

const FilePart = z.instanceof(File);

export const UploadFormSchema = z
  .object({
    'model.json': FilePart.openapi({ type: 'string', format: 'binary', description: 'The TensorFlow.js Layers `model.json`.' }),
    weights: z
      .union([FilePart, z.array(FilePart)])
      .optional()
      .openapi({
        type: 'array',
        items: { type: 'string', format: 'binary' },
        description: 'One part per weights file of the manifest; each part\'s filename is the manifest path (e.g. `group1-shard1of1.bin`).',
      }),
    metadata: z
      .union([z.string(), FilePart])
      .optional()
      .openapi({
        type: 'string',
        description: 'JSON text of a `VersionUploadMetadata` object (description, params, metrics, tags, parents, sourceRunId).',
        // JSON Schema 2020-12's way to say "a string holding JSON of this schema" (OpenAPI 3.1); the
        // metadata type of zod-openapi does not list these keywords yet.
        ...({ contentMediaType: 'application/json', contentSchema: { $ref: '#/components/schemas/VersionUploadMetadata' } } as object),
      }),
  })
  .openapi('VersionUpload');

type UploadForm = z.infer<typeof UploadFormSchema>;

export async function readVersionUpload(form: UploadForm): Promise<VersionUpload> {
  const weightParts = form.weights === undefined ? [] : Array.isArray(form.weights) ? form.weights : [form.weights];
  const weightFiles = new Map<string, Uint8Array>();
  for (const part of weightParts) {
    if (weightFiles.has(part.name)) {
      throw new RequestValidationError('duplicate weights file', [
        { in: 'multipart', path: 'weights', message: `more than one part is named "${part.name}"` },
      ]);
    }
    weightFiles.set(part.name, new Uint8Array(await part.arrayBuffer()));
  }
  const metadata = await readMetadata(form.metadata);
  return {
    ...metadata,
    modelJson: new Uint8Array(await form['model.json'].arrayBuffer()),
    weightFiles,
  };
}

async function readMetadata(part: string | File | undefined): Promise<z.infer<typeof UploadMetadataSchema>> {
  if (part === undefined) return {};
  const text = typeof part === 'string' ? part : await part.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(`the metadata part is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = UploadMetadataSchema.safeParse(value);
  if (!parsed.success) {
    throw new RequestValidationError('invalid upload metadata', parsed.error.issues.flatMap((issue) => issueToFieldErrors('multipart', issue, ['metadata'])));
  }
  return parsed.data;
}
