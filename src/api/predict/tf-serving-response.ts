// TF Serving's predict answer: `predictions` (row format) or `outputs` (columnar), each row the class probabilities;
// Distillery's extensions beside them, never changing their shape: `top_k` and `members`.
import { z } from '@hono/zod-openapi';
import type { PredictionOutput } from '../../registry/ports';
import type { TargetSignature } from './signature';
import type { TfServingRequest } from './tf-serving-request';
import { topClasses, toRows } from './top-classes';

const ProbabilityRows = z.array(z.array(z.number())).openapi({ description: 'One row per input: the probability of each class, in class order.' });

const TopClassSchema = z.object({ class: z.number().int(), label: z.string(), probability: z.number() }).openapi('TopClass');

const MemberPredictionsSchema = z
  .object({
    model: z.string(),
    version: z.number().int(),
    weight: z.number().openapi({ description: 'Normalised over the members (they sum to 1).' }),
    predictions: ProbabilityRows.optional(),
    outputs: ProbabilityRows.optional(),
  })
  .openapi('MemberPredictions');

export const TfServingPredictResponseSchema = z
  .object({
    predictions: ProbabilityRows.optional(),
    outputs: ProbabilityRows.optional(),
    top_k: z.array(z.array(TopClassSchema)).optional().openapi({ description: 'With `top_k`: each row\'s most probable classes, highest first.' }),
    members: z.array(MemberPredictionsSchema).optional().openapi({ description: "With `include_members`: each member's own probabilities, in member order." }),
  })
  .openapi('TfServingPredictResponse', { description: '`predictions` for a row-format request, `outputs` for a columnar one.' });

export type TfServingPredictResponse = z.infer<typeof TfServingPredictResponseSchema>;

export function tfServingResponse(request: TfServingRequest, target: TargetSignature, output: PredictionOutput): TfServingPredictResponse {
  const classes = target.classLabels.length;
  const key = request.format === 'row' ? 'predictions' : 'outputs';
  const response: TfServingPredictResponse = { [key]: toRows(output.probabilities, classes) };
  if (request.topK !== null) {
    const k = Math.min(request.topK, classes);
    response.top_k = topClasses(output.probabilities, classes, k).map((row) =>
      row.map(({ index, probability }) => ({ class: index, label: target.classLabels[index]!, probability })),
    );
  }
  if (request.includeMembers) {
    response.members = target.members.map((member, m) => ({
      model: member.model,
      version: member.version,
      weight: member.weight,
      [key]: toRows(output.memberProbabilities[m]!, classes),
    }));
  }
  return response;
}
