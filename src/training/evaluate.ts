// Evaluation of one model or an ensemble (any aggregation, through combineMemberLogits): accuracy, NLL, ECE with
// its reliability-diagram bins, per-class accuracy, the confusion matrix.

import * as tf from '@tensorflow/tfjs';
import type { LabelledImages } from '../datasets/labelled-images';
import { allIndices, imageBatches } from './data/batches';
import { DEFAULT_NORMALIZATION, type Normalization } from './spec/data';
import { combineMemberLogits } from './ensemble-combination';
import { IncompatibleDataError, InvalidEnsembleError } from './errors';
import type { EnsembleAggregation } from './spec/aggregations';
import { asLogits, endsInSoftmax } from './model-outputs';
import { softmaxRows } from './softmax';
import { normaliseWeights } from './teacher-aggregation';

export const ECE_BINS = 15;
/** Probabilities are clamped here before the log so one confident mistake gives a large, finite NLL. */
const MIN_PROBABILITY = 1e-12;

/** One confidence bin of the reliability diagram: the examples whose top probability is in (lower, upper]. */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Share of the bin's examples predicted right; null for an empty bin. */
  accuracy: number | null;
  /** Mean top probability of the bin's examples; null for an empty bin. */
  confidence: number | null;
}

export interface EvaluationReport {
  count: number;
  accuracy: number;
  /** Mean negative log-likelihood of the true label (= cross-entropy loss). */
  nll: number;
  /** Expected calibration error over 15 equal-width confidence bins (lower, upper]. */
  ece: number;
  /** The ECE_BINS bins ECE is computed from, lowest first (empty ones included). */
  reliability: ReliabilityBin[];
  /** accuracy of examples of each class; null for classes with no examples. */
  perClassAccuracy: (number | null)[];
  /** confusionMatrix[true][predicted] = count. */
  confusionMatrix: number[][];
}

export interface EnsembleEvaluationReport {
  ensemble: EvaluationReport;
  members: EvaluationReport[];
}

export interface EvaluateOptions {
  batchSize?: number;
  normalization?: Normalization;
  /** Evaluate only these examples (e.g. the validation split); all when absent. */
  indices?: Uint32Array;
}

/** Metrics from row-major probabilities [count, numClasses] and the true labels. */
export function metricsFromProbabilities(probabilities: Float32Array, labels: ArrayLike<number>, numClasses: number): EvaluationReport {
  const count = labels.length;
  const confusionMatrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  const binCount = new Array<number>(ECE_BINS).fill(0);
  const binCorrect = new Array<number>(ECE_BINS).fill(0);
  const binConfidence = new Array<number>(ECE_BINS).fill(0);
  let nll = 0;
  let correct = 0;
  for (let n = 0; n < count; n++) {
    const label = labels[n] ?? 0;
    let predicted = 0;
    let confidence = -Infinity;
    for (let c = 0; c < numClasses; c++) {
      const p = probabilities[n * numClasses + c] ?? 0;
      if (p > confidence) [predicted, confidence] = [c, p];
    }
    nll -= Math.log(Math.max(probabilities[n * numClasses + label] ?? 0, MIN_PROBABILITY));
    const hit = predicted === label ? 1 : 0;
    correct += hit;
    const row = confusionMatrix[label];
    if (row) row[predicted] = (row[predicted] ?? 0) + 1;
    const bin = Math.min(ECE_BINS - 1, Math.max(0, Math.ceil(confidence * ECE_BINS) - 1));
    binCount[bin] = (binCount[bin] ?? 0) + 1;
    binCorrect[bin] = (binCorrect[bin] ?? 0) + hit;
    binConfidence[bin] = (binConfidence[bin] ?? 0) + confidence;
  }
  const ece = binCount.reduce(
    (sum, m, b) => (m === 0 ? sum : sum + Math.abs((binCorrect[b] ?? 0) - (binConfidence[b] ?? 0)) / count),
    0,
  );
  const perClassAccuracy = confusionMatrix.map((row, c) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? null : (row[c] ?? 0) / total;
  });
  const reliability = binCount.map((m, b) => ({
    lower: b / ECE_BINS,
    upper: (b + 1) / ECE_BINS,
    count: m,
    accuracy: m === 0 ? null : (binCorrect[b] ?? 0) / m,
    confidence: m === 0 ? null : (binConfidence[b] ?? 0) / m,
  }));
  return { count, accuracy: count ? correct / count : 0, nll: count ? nll / count : 0, ece, reliability, perClassAccuracy, confusionMatrix };
}

/** Logits of a model over the set (inference mode), batch by batch, as one row-major Float32Array (a softmax model's: model-outputs.ts). */
export async function predictLogits(
  model: tf.LayersModel,
  set: LabelledImages,
  options: EvaluateOptions = {},
): Promise<Float32Array> {
  const indices = options.indices ?? allIndices(set.count);
  const out = new Float32Array(indices.length * set.numClasses);
  const outputsProbabilities = endsInSoftmax(model);
  let offset = 0;
  for (const batch of imageBatches(set, indices, {
    batchSize: options.batchSize ?? 256,
    normalization: options.normalization ?? DEFAULT_NORMALIZATION,
  })) {
    const logits = tf.tidy(() => model.apply(batch.xs, { training: false }) as tf.Tensor2D);
    tf.dispose([batch.xs, batch.labels]);
    const values = await logits.data();
    logits.dispose();
    if (values.length !== batch.size * set.numClasses) {
      throw new IncompatibleDataError(`model outputs ${values.length / batch.size} classes, dataset has ${set.numClasses}`);
    }
    out.set(asLogits(values as Float32Array, outputsProbabilities), offset);
    offset += values.length;
  }
  return out;
}

/** The labels of the examples at `indices` (all when absent), in that order. */
export const labelsAt = (set: LabelledImages, indices?: Uint32Array): ArrayLike<number> =>
  indices ? Array.from(indices, (i) => set.labels[i] ?? 0) : set.labels;

/** Evaluates one model on a labelled set. */
export async function evaluateModel(model: tf.LayersModel, set: LabelledImages, options: EvaluateOptions = {}): Promise<EvaluationReport> {
  const probabilities = softmaxRows(await predictLogits(model, set, options), set.numClasses);
  return metricsFromProbabilities(probabilities, labelsAt(set, options.indices), set.numClasses);
}

/** Per-member settings of an ensemble evaluation: the normalisation each member was trained with (default: options.normalization). */
export interface EnsembleEvaluateOptions extends EvaluateOptions {
  /** Relative member weights (normalised here); equal when absent. */
  weights?: readonly number[];
  /** `mean-probabilities` (the reference) unless given; `weighted` needs weights. */
  aggregation?: EnsembleAggregation;
  normalizations?: readonly Normalization[];
}

/**
 * Evaluates an ensemble, combined as `aggregation` says (combineMemberLogits: the same combination serving uses),
 * and every member on its own. Members are run one after the other.
 */
export async function evaluateEnsemble(
  models: readonly tf.LayersModel[],
  set: LabelledImages,
  options: EnsembleEvaluateOptions = {},
): Promise<EnsembleEvaluationReport> {
  const memberLogits: Float32Array[] = [];
  for (const [m, model] of models.entries()) {
    const normalization = options.normalizations?.[m] ?? options.normalization;
    memberLogits.push(await predictLogits(model, set, { ...options, ...(normalization && { normalization }) }));
  }
  return ensembleReportFromLogits(memberLogits, labelsAt(set, options.indices), set.numClasses, options);
}

/** The ensemble's and each member's metrics from the members' logits (each examples x classes) on the same examples. */
export function ensembleReportFromLogits(
  memberLogits: readonly Float32Array[],
  labels: ArrayLike<number>,
  numClasses: number,
  options: Pick<EnsembleEvaluateOptions, 'weights' | 'aggregation'> = {},
): EnsembleEvaluationReport {
  const aggregation = options.aggregation ?? 'mean-probabilities';
  if (aggregation === 'weighted' && !options.weights) throw new InvalidEnsembleError("'weighted' aggregation needs weights");
  const weights = normaliseWeights(memberLogits.length, options.weights);
  const { probabilities, memberProbabilities } = combineMemberLogits(memberLogits, weights, aggregation, numClasses);
  return {
    ensemble: metricsFromProbabilities(probabilities, labels, numClasses),
    members: memberProbabilities.map((member) => metricsFromProbabilities(member, labels, numClasses)),
  };
}
