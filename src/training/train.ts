// A `train` run: cross-entropy on the labels, best-validation checkpoint kept.

import type { LabelledImages } from '../datasets/labelled-images';
import { crossEntropy } from './losses';
import { runEpochs } from './loop';
import type { Objective, RunHooks, RunResult } from './run-types';
import { parseTrainSpec, type TrainSpecInput } from './spec';

const labelCrossEntropy: Objective = {
  forBatch: (batch) => ({ loss: (logits) => crossEntropy(logits, batch.labels), dispose: () => {} }),
};

/** Trains a model from scratch (or from hooks.init / hooks.resume) on `train`, split 90/10 for validation. */
export async function trainModel(spec: TrainSpecInput, train: LabelledImages, hooks: RunHooks = {}): Promise<RunResult> {
  return runEpochs(parseTrainSpec(spec), train, labelCrossEntropy, hooks);
}
