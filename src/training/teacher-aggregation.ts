// Combining several models' logits into one probability distribution (teacher ensembles and ensemble evaluation).

import * as tf from '@tensorflow/tfjs';
import { InvalidEnsembleError } from './errors';
import type { Aggregation } from './spec/aggregations';

/** Normalises weights to sum 1; undefined means equal weights. Throws on negative or all-zero weights. */
export function normaliseWeights(count: number, weights?: readonly number[]): number[] {
  if (!weights) return new Array<number>(count).fill(1 / count);
  if (weights.length !== count) throw new InvalidEnsembleError(`${weights.length} teacher weights given for ${count} teachers`);
  if (weights.some((w) => !(w >= 0))) throw new InvalidEnsembleError('teacher weights must be non-negative numbers');
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) throw new InvalidEnsembleError('teacher weights must not all be zero');
  return weights.map((w) => w / total);
}

/** Aggregated probabilities [N, C] from each member's logits [N, C]. */
export function aggregateProbabilities(
  memberLogits: readonly tf.Tensor2D[],
  options: { aggregation: Aggregation; weights?: readonly number[]; temperature?: number },
): tf.Tensor2D {
  if (memberLogits.length === 0) throw new InvalidEnsembleError('an ensemble needs at least one member');
  if (options.aggregation === 'weighted' && !options.weights) throw new InvalidEnsembleError("'weighted' aggregation needs weights");
  const weights = normaliseWeights(memberLogits.length, options.weights);
  const temperature = options.temperature ?? 1;
  return tf.tidy(() => {
    const weightedSum = (tensors: tf.Tensor2D[]): tf.Tensor2D =>
      tf.addN(tensors.map((t, i) => tf.mul(t, weights[i] ?? 0))) as tf.Tensor2D;
    const scaled = memberLogits.map((logits) => (temperature === 1 ? logits : (tf.div(logits, temperature) as tf.Tensor2D)));
    if (options.aggregation === 'mean-logits') return tf.softmax(weightedSum(scaled));
    return weightedSum(scaled.map((logits) => tf.softmax(logits)));
  });
}
