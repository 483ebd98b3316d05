// The ensemble aggregations on plain arrays, against numbers worked out by hand.
import { describe, expect, it } from 'vitest';
import { combineMemberLogits } from '../../src/training/ensemble-combination';
import { softmaxRows } from '../../src/training/softmax';

// Two rows, three classes, two members.
const memberA = new Float32Array([2, 0, 0, 0, 1, 0]);
const memberB = new Float32Array([0, 0, 3, 0, 4, 0]);

describe('combineMemberLogits', () => {
  it('mean-probabilities is the weighted mean of the members softmax outputs', () => {
    const { probabilities, memberProbabilities } = combineMemberLogits([memberA, memberB], [0.25, 0.75], 'mean-probabilities', 3);
    const [pa, pb] = [softmaxRows(memberA, 3), softmaxRows(memberB, 3)];
    expect(memberProbabilities).toEqual([pa, pb]);
    for (let i = 0; i < 6; i++) expect(probabilities[i]).toBeCloseTo(0.25 * pa[i]! + 0.75 * pb[i]!, 6);
  });

  it('mean-logits is the softmax of the weighted mean of logits', () => {
    const { probabilities } = combineMemberLogits([memberA, memberB], [0.5, 0.5], 'mean-logits', 3);
    const expected = softmaxRows(new Float32Array([1, 0, 1.5, 0, 2.5, 0]), 3);
    for (let i = 0; i < 6; i++) expect(probabilities[i]).toBeCloseTo(expected[i]!, 6);
  });

  it('majority-vote gives each class the weight of the members whose argmax it is', () => {
    const memberC = new Float32Array([0, 5, 0, 0, 0, 9]);
    const { probabilities } = combineMemberLogits([memberA, memberB, memberC], [0.5, 0.3, 0.2], 'majority-vote', 3);
    expect(Array.from(probabilities, (p) => Number(p.toFixed(6)))).toEqual([0.5, 0.2, 0.3, 0, 0.8, 0.2]);
  });

  it('rows of every aggregation sum to 1', () => {
    for (const aggregation of ['mean-probabilities', 'mean-logits', 'weighted', 'majority-vote'] as const) {
      const { probabilities } = combineMemberLogits([memberA, memberB], [0.5, 0.5], aggregation, 3);
      for (const row of [0, 1]) expect(probabilities[row * 3]! + probabilities[row * 3 + 1]! + probabilities[row * 3 + 2]!).toBeCloseTo(1, 6);
    }
  });
});
