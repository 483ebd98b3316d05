// Typed errors of the training engine, for one HTTP/node error handler to map.

/** A model.json or weights file that is not a TensorFlow.js Layers model. */
export class CheckpointFormatError extends Error {
  override readonly name = 'CheckpointFormatError';
}

/** Optimizer state bytes that are malformed or belong to another kind of optimizer. */
export class OptimizerStateError extends Error {
  override readonly name = 'OptimizerStateError';
}

/** A run spec that fails validation; `issues` name the fields. */
export class InvalidSpecError extends Error {
  override readonly name = 'InvalidSpecError';
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`invalid run spec: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
  }
}

/** Ensemble or teacher weights that do not fit the members (count, sign, all zero). */
export class InvalidEnsembleError extends Error {
  override readonly name = 'InvalidEnsembleError';
}

/** The run's AbortSignal fired; the run stopped between batches of `epoch`. */
export class TrainingCancelledError extends Error {
  override readonly name = 'TrainingCancelledError';
  constructor(readonly epoch: number) {
    super(`training cancelled during epoch ${epoch}`);
  }
}

/** A model, teacher or dataset that do not fit each other (shape, class count, too few examples). */
export class IncompatibleDataError extends Error {
  override readonly name = 'IncompatibleDataError';
}
