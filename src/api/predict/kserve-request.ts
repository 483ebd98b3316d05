// The Open Inference Protocol's (KServe v2) infer request: one typed input tensor (numeric datatypes, or BYTES
// holding base64 PNG/JPEG images) with flat or nested row-major data of its declared shape, the outputs wanted
// (`probabilities`, members' `probabilities/<model>@<version>`) and Triton's classification parameter.
import { z } from '@hono/zod-openapi';
import type { PredictionInput } from '../../registry/ports';
import { decodeBase64 } from './base64';
import { invalidInput, type InvalidPredictionInputError } from './errors';
import { checkRowCount, checkTakesImages, INPUT_NAME, OUTPUT_NAME, type PredictLimits, type TargetSignature } from './signature';
import { float32Value, isNested, kindOf, quote, sizeOf, writeNested } from './tensor-values';

/** The integer datatypes with their ranges; FP16 and BOOL are not taken (no model of ours has such inputs). */
const INTEGER_RANGES: Record<string, [number, number]> = {
  INT8: [-(2 ** 7), 2 ** 7 - 1],
  INT16: [-(2 ** 15), 2 ** 15 - 1],
  INT32: [-(2 ** 31), 2 ** 31 - 1],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  UINT8: [0, 2 ** 8 - 1],
  UINT16: [0, 2 ** 16 - 1],
  UINT32: [0, 2 ** 32 - 1],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
};
export const INPUT_DATATYPES = ['FP32', 'FP64', ...Object.keys(INTEGER_RANGES), 'BYTES'] as const;

const ParametersSchema = z.record(z.string(), z.unknown());

const InferInputSchema = z
  .object({
    name: z.string().openapi({ example: INPUT_NAME }),
    shape: z.array(z.number().int().min(0)).openapi({ example: [1, 4] }),
    datatype: z.string().openapi({ description: `One of ${INPUT_DATATYPES.join(', ')} (BYTES: base64 PNG or JPEG images, shape [N] or [N, 1]).`, example: 'FP32' }),
    parameters: ParametersSchema.optional(),
    data: z.array(z.unknown()).openapi({ description: 'Row-major values: flat, or nested as `shape`.', example: [0.1, 0.2, 0.3, 0.4] }),
  })
  .openapi('KServeInferInput');

const InferOutputRequestSchema = z
  .object({
    name: z.string().openapi({ example: OUTPUT_NAME }),
    parameters: z
      .object({ classification: z.number().int().min(1).optional().openapi({ description: 'Answer the k most probable classes as "score:index:label" strings (Triton\'s classification extension).' }) })
      .catchall(z.unknown())
      .optional(),
  })
  .openapi('KServeInferRequestedOutput');

export const KServeInferRequestSchema = z
  .object({
    id: z.string().optional().openapi({ description: 'Echoed in the response.' }),
    parameters: ParametersSchema.optional(),
    inputs: z.array(InferInputSchema),
    outputs: z
      .array(InferOutputRequestSchema)
      .optional()
      .openapi({ description: `Outputs to answer: \`${OUTPUT_NAME}\` (the default) and, for each member, \`${OUTPUT_NAME}/<model>@<version>\`.` }),
  })
  .openapi('KServeInferRequest');

/** One output to answer: the target's probabilities or a member's (by index), as probabilities or top-k classes. */
export interface RequestedOutput {
  name: string;
  member: number | null;
  classification: number | null;
}

export interface KServeRequest {
  id: string | null;
  input: PredictionInput;
  outputs: RequestedOutput[];
}

/** The output holding member `member`'s own probabilities. */
export function memberOutputName(member: { model: string; version: number }): string {
  return `${OUTPUT_NAME}/${member.model}@${member.version}`;
}

/** Parses an infer body for `target`; InvalidPredictionInputError (400) with Triton's kind of message otherwise. */
export function parseKServeRequest(body: unknown, target: TargetSignature, limits: PredictLimits): KServeRequest {
  const parsed = KServeInferRequestSchema.safeParse(body);
  if (!parsed.success) throw kserveEnvelopeError(parsed.error.issues[0]!);
  const { id, inputs, outputs } = parsed.data;
  if (inputs.length !== 1) {
    throw invalidInput(`expected 1 input ("${INPUT_NAME}") for model '${target.name}', got ${inputs.length}`, 'inputs');
  }
  const input = inputs[0]!;
  if (input.name !== INPUT_NAME) {
    throw invalidInput(`unexpected inference input '${input.name}' for model '${target.name}' (its input is '${INPUT_NAME}')`, 'inputs[0].name');
  }
  return {
    id: id ?? null,
    input: input.datatype === 'BYTES' ? imagesOf(input, target, limits) : tensorOf(input, target, limits),
    outputs: (outputs ?? [{ name: OUTPUT_NAME }]).map((output, i) => requestedOutput(output, target, `outputs[${i}]`)),
  };
}

/** The 400 for a body that breaks the infer schema, naming the first offending field. */
export function kserveEnvelopeError(issue: z.core.$ZodIssue): InvalidPredictionInputError {
  const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
  return invalidInput(path ? `${path}: ${issue.message}` : `the request body must be an infer request object: ${issue.message}`, path || undefined);
}

type InferInput = z.infer<typeof InferInputSchema>;

function tensorOf(input: InferInput, target: TargetSignature, limits: PredictLimits): PredictionInput {
  const range = INTEGER_RANGES[input.datatype];
  if (!range && input.datatype !== 'FP32' && input.datatype !== 'FP64') {
    throw invalidInput(`invalid datatype '${input.datatype}' for input '${INPUT_NAME}': expected one of ${INPUT_DATATYPES.join(', ')}`, 'inputs[0].datatype');
  }
  const [rows, ...rowShape] = input.shape;
  if (rows === undefined || rowShape.length !== target.inputShape.length || rowShape.some((dim, i) => dim !== target.inputShape[i])) {
    throw invalidInput(
      `unexpected shape for input '${INPUT_NAME}' for model '${target.name}'. Expected ${quote([-1, ...target.inputShape])}, got ${quote(input.shape)}`,
      'inputs[0].shape',
    );
  }
  checkRowCount(rows, limits, 'inputs[0].shape[0]');
  const values = new Float32Array(rows * sizeOf(rowShape));
  if (isNested(input.data)) writeNested(input.data, input.shape, values, 0, 'inputs[0].data');
  else {
    if (input.data.length !== values.length) {
      throw invalidInput(`inputs[0].data: shape ${quote(input.shape)} holds ${values.length} values, got ${input.data.length}`, 'inputs[0].data');
    }
    input.data.forEach((value, i) => (values[i] = float32Value(value, `inputs[0].data[${i}]`)));
  }
  if (range) checkIntegers(input.data, input.datatype, range);
  return { kind: 'tensor', rows, values };
}

/** Integer datatypes take integers within their range; the values are already float32-checked. */
function checkIntegers(data: unknown[], datatype: string, [min, max]: [number, number]): void {
  const flat = isNested(data) ? (data.flat(Infinity) as number[]) : (data as number[]);
  const bad = flat.findIndex((value) => !Number.isInteger(value) || value < min || value > max);
  if (bad >= 0) {
    throw invalidInput(`inputs[0].data: value ${quote(flat[bad])} (row-major index ${bad}) is not a ${datatype} (an integer from ${min} to ${max})`, 'inputs[0].data');
  }
}

function imagesOf(input: InferInput, target: TargetSignature, limits: PredictLimits): PredictionInput {
  const [rows, ...rest] = input.shape;
  if (rows === undefined || rest.length > 1 || (rest.length === 1 && rest[0] !== 1)) {
    throw invalidInput(`unexpected shape for BYTES input '${INPUT_NAME}' for model '${target.name}'. Expected [-1] or [-1,1] (one image per row), got ${quote(input.shape)}`, 'inputs[0].shape');
  }
  checkTakesImages(target, 'inputs[0]');
  checkRowCount(rows, limits, 'inputs[0].shape[0]');
  const data = input.data.flat();
  if (data.length !== rows) throw invalidInput(`inputs[0].data: shape ${quote(input.shape)} holds ${rows} images, got ${data.length}`, 'inputs[0].data');
  return {
    kind: 'images',
    images: data.map((item, i) => {
      const path = `inputs[0].data[${i}]`;
      if (typeof item !== 'string') throw invalidInput(`${path}: expected a base64 string, got ${kindOf(item)}`, path);
      return decodeBase64(item, path);
    }),
  };
}

function requestedOutput(output: z.infer<typeof InferOutputRequestSchema>, target: TargetSignature, path: string): RequestedOutput {
  const classification = output.parameters?.classification ?? null;
  if (output.name === OUTPUT_NAME) return { name: output.name, member: null, classification };
  const member = target.members.findIndex((one) => memberOutputName(one) === output.name);
  if (member < 0) {
    const known = [OUTPUT_NAME, ...target.members.map(memberOutputName)];
    throw invalidInput(`unexpected inference output '${output.name}' for model '${target.name}' (outputs: ${known.join(', ')})`, `${path}.name`);
  }
  return { name: output.name, member, classification };
}
