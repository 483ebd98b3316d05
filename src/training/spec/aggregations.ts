// How teachers' (or ensemble members') outputs combine: the names a spec may use; ../teacher-aggregation and
// ../ensemble-combination compute them.

/**
 * `mean-probabilities`: (weighted) mean of softmax(logits/T) — the reference ensemble.
 * `mean-logits`: softmax of the (weighted) mean of logits, divided by T.
 * `weighted`: the same as mean-probabilities, with explicit weights required.
 */
export const AGGREGATIONS = ['mean-probabilities', 'mean-logits', 'weighted'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/**
 * What an ensemble may use when it is served or evaluated: the teacher aggregations, plus `majority-vote` (the
 * weighted share of members whose argmax is each class). A vote gives hard labels, not soft targets, so it is no
 * distillation teacher aggregation.
 */
export const ENSEMBLE_AGGREGATIONS = [...AGGREGATIONS, 'majority-vote'] as const;
export type EnsembleAggregation = (typeof ENSEMBLE_AGGREGATIONS)[number];
