// The predictor, where the runtime has one: both protocols answer 501 on Workers, which cannot run models.
import type { Predictor } from '../../registry/ports';
import type { AppDeps } from '../app-env';
import { PredictionUnavailableError } from './errors';

export function requirePredictor(deps: Pick<AppDeps, 'predictor'>): Predictor {
  if (!deps.predictor) {
    throw new PredictionUnavailableError('prediction is not available on this runtime (a Cloudflare Worker cannot run models): send predictions to a Node server');
  }
  return deps.predictor;
}
