// Typed errors of the serving layer, turned into problem+json by the API like every DistilleryError.
import { DistilleryError } from '../errors';

/** A target's queue holds as many rows as it may: the client should back off and retry (503 + Retry-After). */
export class PredictionQueueFullError extends DistilleryError {
  readonly type = 'prediction-queue-full';
  readonly status = 503;

  constructor(
    readonly target: string,
    readonly queuedRows: number,
    readonly maxQueuedRows: number,
    readonly retryAfterSeconds = 1,
  ) {
    super(`the prediction queue of ${target} is full (${queuedRows} of ${maxQueuedRows} rows queued); retry later`, {
      target,
      queuedRows,
      maxQueuedRows,
    });
  }
}

/** An image that does not decode as PNG or JPEG, or that cannot become the model's input. */
export class InvalidImageError extends DistilleryError {
  readonly type = 'invalid-image';
  readonly status = 400;
}

/** Rows that do not fit the target's input shape (the protocols check first; this guards the port itself). */
export class InvalidPredictionInputError extends DistilleryError {
  readonly type = 'invalid-prediction-input';
  readonly status = 400;
}

/** tfjs failed to load or run a model in an inference worker, or the worker died while running it. */
export class InferenceFailedError extends DistilleryError {
  readonly type = 'inference-failed';
  readonly status = 500;
}

/** The predictor was closed (the server is stopping) before the request was answered. */
export class PredictorClosedError extends DistilleryError {
  readonly type = 'predictor-closed';
  readonly status = 503;
}
