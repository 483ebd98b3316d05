// How teachers' (or ensemble members') outputs combine: the names a spec may use; ../teacher-aggregation computes them.

/**
 * `mean-probabilities`: (weighted) mean of softmax(logits/T) — the reference ensemble.
 * `mean-logits`: softmax of the (weighted) mean of logits, divided by T.
 * `weighted`: the same as mean-probabilities, with explicit weights required.
 */
export const AGGREGATIONS = ['mean-probabilities', 'mean-logits', 'weighted'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];
