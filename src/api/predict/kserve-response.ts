// The Open Inference Protocol's infer answer: `model_name`, `model_version`, the echoed `id`, and each requested
// output as an FP32 [N, classes] tensor of probabilities or, with `classification: k`, a BYTES [N, k] tensor of
// Triton's "score:index:label" strings.
import { z } from '@hono/zod-openapi';
import type { PredictionOutput } from '../../registry/ports';
import type { KServeRequest, RequestedOutput } from './kserve-request';
import type { TargetSignature } from './signature';
import { topClasses } from './top-classes';

const InferOutputSchema = z
  .object({
    name: z.string(),
    datatype: z.enum(['FP32', 'BYTES']),
    shape: z.array(z.number().int()),
    data: z.array(z.union([z.number(), z.string()])).openapi({ description: 'Row-major: probabilities (FP32), or "score:index:label" strings (BYTES, classification).' }),
  })
  .openapi('KServeInferOutput');

export const KServeInferResponseSchema = z
  .object({
    model_name: z.string(),
    model_version: z.string(),
    id: z.string().optional(),
    outputs: z.array(InferOutputSchema),
  })
  .openapi('KServeInferResponse');

export type KServeInferResponse = z.infer<typeof KServeInferResponseSchema>;

export function kserveResponse(request: KServeRequest, target: TargetSignature & { version: number }, output: PredictionOutput): KServeInferResponse {
  return {
    model_name: target.name,
    model_version: String(target.version),
    ...(request.id === null ? {} : { id: request.id }),
    outputs: request.outputs.map((wanted) => outputTensor(wanted, target, wanted.member === null ? output.probabilities : output.memberProbabilities[wanted.member]!)),
  };
}

function outputTensor(wanted: RequestedOutput, target: TargetSignature, probabilities: Float32Array): z.infer<typeof InferOutputSchema> {
  const classes = target.classLabels.length;
  const rows = probabilities.length / classes;
  if (wanted.classification === null) return { name: wanted.name, datatype: 'FP32', shape: [rows, classes], data: Array.from(probabilities) };
  const k = Math.min(wanted.classification, classes);
  const ranked = topClasses(probabilities, classes, k).flat();
  // Triton writes the score with six decimals (std::to_string).
  const data = ranked.map(({ index, probability }) => `${probability.toFixed(6)}:${index}:${target.classLabels[index]}`);
  return { name: wanted.name, datatype: 'BYTES', shape: [rows, k], data };
}
