// The prediction protocols' own failures: input a protocol refuses (400), and prediction where the runtime has no models (501).
import { DistilleryError } from '../../errors';

/** A predict or infer body the protocol refuses: `path` names where, in the protocol's own terms (`instances[2][0]`). */
export class InvalidPredictionInputError extends DistilleryError {
  readonly type = 'invalid-prediction-input';
  readonly status = 400;

  constructor(message: string, path?: string) {
    super(message, path === undefined ? {} : { path });
  }
}

/** The runtime cannot run models (Workers): prediction is served by the Node server only. */
export class PredictionUnavailableError extends DistilleryError {
  readonly type = 'prediction-unavailable';
  readonly status = 501;
}
