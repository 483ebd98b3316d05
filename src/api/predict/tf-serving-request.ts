// TF Serving's REST predict request (`POST /v1/models/{name}:predict`): the row format `{"instances": [...]}` or the
// columnar `{"inputs": ...}`, each input a nested array of the target's input shape or an image as `{"b64": "..."}`,
// optionally named by the signature's one input; `signature_name` and Distillery's `top_k` and `include_members`.
import { z } from '@hono/zod-openapi';
import type { PredictionInput } from '../../registry/ports';
import { decodeBase64 } from './base64';
import { invalidInput, type InvalidPredictionInputError } from './errors';
import { checkRowCount, checkTakesImages, INPUT_NAME, SIGNATURE_NAME, type PredictLimits, type TargetSignature } from './signature';
import { kindOf, quote, sizeOf, writeNested } from './tensor-values';

export const TfServingPredictRequestSchema = z
  .object({
    signature_name: z.string().optional().openapi({ description: `Only \`${SIGNATURE_NAME}\` exists.`, example: SIGNATURE_NAME }),
    instances: z
      .array(z.unknown())
      .optional()
      .openapi({
        description: `Row format: one input per row, a nested array of the model's input shape, an image \`{"b64": "<base64 PNG or JPEG>"}\`, or either named \`{"${INPUT_NAME}": ...}\`. Answered with \`predictions\`.`,
        example: [[0.1, 0.2, 0.3, 0.4]],
      }),
    inputs: z.unknown().optional().openapi({
      description: `Columnar format: the batch as an array of inputs (as in \`instances\`), or named \`{"${INPUT_NAME}": [...]}\`. Answered with \`outputs\`.`,
    }),
    top_k: z.number().int().min(1).optional().openapi({ description: 'Also answer each row\'s k most probable classes with their labels (`top_k`).' }),
    include_members: z.boolean().optional().openapi({ description: "Also answer each member's own probabilities (`members`): one member for a version." }),
  })
  .strict()
  .openapi('TfServingPredictRequest', { description: 'Exactly one of `instances` and `inputs`.' });

export interface TfServingRequest {
  /** Row requests are answered with `predictions`, columnar ones with `outputs`. */
  format: 'row' | 'columnar';
  input: PredictionInput;
  topK: number | null;
  includeMembers: boolean;
}

/** Parses a predict body for `target`; InvalidPredictionInputError (400) with TF Serving's kind of message otherwise. */
export function parseTfServingRequest(body: unknown, target: TargetSignature, limits: PredictLimits): TfServingRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidInput(`the request body must be a JSON object, got ${kindOf(body)}`);
  }
  const parsed = TfServingPredictRequestSchema.safeParse(body);
  if (!parsed.success) throw envelopeError(parsed.error.issues[0]!);
  const request = parsed.data;
  const hasInstances = request.instances !== undefined;
  const hasInputs = 'inputs' in request && request.inputs !== undefined;
  if (hasInstances === hasInputs) {
    throw invalidInput(
      hasInstances ? "Not formatted correctly: expecting only one of 'inputs' or 'instances' keys" : "Missing 'inputs' or 'instances' key",
    );
  }
  if (request.signature_name !== undefined && request.signature_name !== SIGNATURE_NAME) {
    throw invalidInput(`Serving signature name: "${request.signature_name}" not found in signature def (only "${SIGNATURE_NAME}" exists)`, 'signature_name');
  }
  const [rows, path] = hasInstances ? [request.instances!, 'instances'] : columnarBatch(request.inputs);
  return {
    format: hasInstances ? 'row' : 'columnar',
    input: parseRows(rows, path, target, limits),
    topK: request.top_k ?? null,
    includeMembers: request.include_members ?? false,
  };
}

/** An image sent as the whole body (`image/png`, `image/jpeg`): one row, answered in the row format. */
export function imageBodyRequest(image: Uint8Array, target: TargetSignature): TfServingRequest {
  checkTakesImages(target, 'body');
  return { format: 'row', input: { kind: 'images', images: [image] }, topK: null, includeMembers: false };
}

function envelopeError(issue: z.core.$ZodIssue): InvalidPredictionInputError {
  if (issue.code === 'unrecognized_keys') {
    return invalidInput(`unknown key ${issue.keys.map((key) => `"${key}"`).join(', ')} in the request (known: signature_name, instances, inputs, top_k, include_members)`, issue.keys[0]);
  }
  const path = issue.path.join('.');
  const rules: Record<string, string> = {
    instances: 'must be an array of inputs',
    top_k: 'must be a positive integer',
    include_members: 'must be true or false',
    signature_name: 'must be a string',
  };
  return invalidInput(`${path}: ${rules[path] ?? issue.message}`, path);
}

/** The batch of a columnar request: `inputs` itself, or its one named input. */
function columnarBatch(inputs: unknown): [unknown[], string] {
  if (Array.isArray(inputs)) return [inputs, 'inputs'];
  if (isObject(inputs) && Object.keys(inputs).length === 1 && Array.isArray(inputs[INPUT_NAME])) return [inputs[INPUT_NAME], `inputs.${INPUT_NAME}`];
  throw invalidInput(
    `inputs: expected the batch as an array or as {"${INPUT_NAME}": [...]}, got ${isObject(inputs) ? `an object with keys ${quote(Object.keys(inputs))}` : kindOf(inputs)}`,
    'inputs',
  );
}

/** Every row is a tensor or every row an image: one kind per request, as the predictor takes them. */
function parseRows(rows: unknown[], path: string, target: TargetSignature, limits: PredictLimits): PredictionInput {
  checkRowCount(rows.length, limits, path);
  const unwrapped = rows.map((row, i) => unwrapNamed(row, `${path}[${i}]`));
  const firstIsImage = isImage(unwrapped[0]!.value);
  const odd = unwrapped.findIndex(({ value }) => isImage(value) !== firstIsImage);
  if (odd >= 0) {
    throw invalidInput(`${unwrapped[odd]!.path}: is ${firstIsImage ? 'a tensor' : 'an image'} but ${unwrapped[0]!.path} is ${firstIsImage ? 'an image' : 'a tensor'}: send one kind per request`, unwrapped[odd]!.path);
  }
  if (firstIsImage) {
    checkTakesImages(target, path);
    return { kind: 'images', images: unwrapped.map(({ value, path: at }) => decodeBase64((value as { b64: string }).b64, `${at}.b64`)) };
  }
  const rowSize = sizeOf(target.inputShape);
  const values = new Float32Array(rows.length * rowSize);
  unwrapped.forEach(({ value, path: at }, i) => writeNested(value, target.inputShape, values, i * rowSize, at));
  return { kind: 'tensor', rows: rows.length, values };
}

/** A row given by the signature's input name (`{"input": ...}`) is that input; any other object but an image is refused. */
function unwrapNamed(row: unknown, path: string): { value: unknown; path: string } {
  if (!isObject(row) || isImage(row)) return { value: row, path };
  const keys = Object.keys(row);
  if (keys.length === 1 && keys[0] === INPUT_NAME) {
    const value = row[INPUT_NAME];
    if (isObject(value) && !isImage(value)) throw invalidInput(`${path}.${INPUT_NAME}: expected an input or {"b64": "..."}, got an object`, `${path}.${INPUT_NAME}`);
    return { value, path: `${path}.${INPUT_NAME}` };
  }
  throw invalidInput(`${path}: an object input must be {"b64": "<base64 image>"} or name the one input "${INPUT_NAME}", got keys ${quote(keys)}`, path);
}

function isImage(value: unknown): value is { b64: string } {
  return isObject(value) && Object.keys(value).length === 1 && typeof value.b64 === 'string';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
