// The prediction protocols' own failures: input a protocol refuses (400), and prediction where the runtime has no models (501).
import { DistilleryError } from '../../errors';
import { InvalidPredictionInputError } from '../../serving/errors';

export { InvalidPredictionInputError };

/** A predict or infer body the protocol refuses (400): `path` names where, in the protocol's own terms (`instances[2][0]`). */
export function invalidInput(message: string, path?: string): InvalidPredictionInputError {
  return new InvalidPredictionInputError(message, path === undefined ? {} : { path });
}

/** The runtime cannot run models (Workers): prediction is served by the Node server only. */
export class PredictionUnavailableError extends DistilleryError {
  readonly type = 'prediction-unavailable';
  readonly status = 501;
}
