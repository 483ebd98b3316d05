// An ensemble's probabilities from its members' logits, on plain arrays: what serving and evaluation share.
// (Distillation combines teacher logits as tensors inside the training step: ./teacher-aggregation.)

import type { EnsembleAggregation } from './spec/aggregations';
import { softmaxRows } from './softmax';

/** Every member's probabilities and the ensemble's, each rows x classes, row-major. */
export interface CombinedProbabilities {
  probabilities: Float32Array;
  memberProbabilities: Float32Array[];
}

/**
 * Combines members' logits (each rows x classes) with weights that sum to 1: `mean-probabilities` and `weighted`
 * the weighted mean of the members' softmax, `mean-logits` the softmax of the weighted mean of logits,
 * `majority-vote` the weighted share of members voting for each class (a member votes for its argmax, the first
 * class on a tie).
 */
export function combineMemberLogits(
  memberLogits: readonly Float32Array[],
  weights: readonly number[],
  aggregation: EnsembleAggregation,
  classes: number,
): CombinedProbabilities {
  const memberProbabilities = memberLogits.map((logits) => softmaxRows(logits, classes));
  const length = memberLogits[0]?.length ?? 0;
  const combined = new Float32Array(length);
  for (const [m, logits] of memberLogits.entries()) {
    const weight = weights[m] ?? 0;
    if (aggregation === 'mean-logits') addScaled(combined, logits, weight);
    else if (aggregation === 'majority-vote') addVotes(combined, logits, weight, classes);
    else addScaled(combined, memberProbabilities[m]!, weight);
  }
  return { probabilities: aggregation === 'mean-logits' ? softmaxRows(combined, classes) : combined, memberProbabilities };
}

function addScaled(into: Float32Array, values: Float32Array, weight: number): void {
  for (let i = 0; i < into.length; i++) into[i] = (into[i] ?? 0) + weight * (values[i] ?? 0);
}

function addVotes(into: Float32Array, logits: Float32Array, weight: number, classes: number): void {
  for (let start = 0; start < logits.length; start += classes) {
    let best = 0;
    for (let c = 1; c < classes; c++) if ((logits[start + c] ?? 0) > (logits[start + best] ?? 0)) best = c;
    into[start + best] = (into[start + best] ?? 0) + weight;
  }
}
