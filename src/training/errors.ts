// Typed errors of the training engine, on the project's one error base so the API and the
// training node map them like any other (type, status, details).
import { DistilleryError } from '../errors';

/** A model.json or weights file that is not a TensorFlow.js Layers model. */
export class CheckpointFormatError extends DistilleryError {
  readonly type = 'checkpoint-format';
  readonly status = 422;
}

/** Optimizer state bytes that are malformed or belong to another kind of optimizer. */
export class OptimizerStateError extends DistilleryError {
  readonly type = 'optimizer-state';
  readonly status = 422;
}

/** A run spec that fails validation; `issues` name the fields. */
export class InvalidSpecError extends DistilleryError {
  readonly type = 'invalid-run-spec';
  readonly status = 422;
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`invalid run spec: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, { issues });
  }
}

/** Ensemble or teacher weights that do not fit the members (count, sign, all zero). */
export class InvalidEnsembleError extends DistilleryError {
  readonly type = 'invalid-ensemble';
  readonly status = 422;
}

/** The run's AbortSignal fired; the run stopped between batches of `epoch`. */
export class TrainingCancelledError extends DistilleryError {
  readonly type = 'training-cancelled';
  readonly status = 409;
  constructor(readonly epoch: number) {
    super(`training cancelled during epoch ${epoch}`, { epoch });
  }
}

/** A model, teacher or dataset that do not fit each other (shape, class count, too few examples). */
export class IncompatibleDataError extends DistilleryError {
  readonly type = 'incompatible-data';
  readonly status = 422;
}
