// The one signature every served model and ensemble has, as both protocols' metadata describe it: one float
// input batch shaped [-1, ...inputShape] and one output of class probabilities shaped [-1, classes].
import type { ServingTarget } from '../../registry/ports';
import { invalidInput } from './errors';

/** TF Serving's default signature, the only one there is. */
export const SIGNATURE_NAME = 'serving_default';
export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'probabilities';

/** What the protocols need to know of a target to parse a request for it and answer. */
export type TargetSignature = Pick<ServingTarget, 'name' | 'inputShape' | 'classLabels' | 'members' | 'kind'>;

/** How many rows one request may hold (DISTILLERY_MAX_PREDICT_INSTANCES). */
export interface PredictLimits {
  maxInstances: number;
}

/** 400 unless 1 to `limits.maxInstances` rows were sent. */
export function checkRowCount(rows: number, limits: PredictLimits, path: string): void {
  if (rows === 0) throw invalidInput(`${path}: must hold at least one input`, path);
  if (rows > limits.maxInstances) {
    throw invalidInput(`${path}: holds ${rows} inputs, more than the ${limits.maxInstances} one request may hold`, path);
  }
}

/** Images are resized to the input's height and width: only a [height, width, channels] input takes them. */
export function checkTakesImages(target: TargetSignature, path: string): void {
  if (target.inputShape.length !== 3) {
    throw invalidInput(`${path}: "${target.name}" takes inputs of shape ${JSON.stringify(target.inputShape)}, not images`, path);
  }
}
