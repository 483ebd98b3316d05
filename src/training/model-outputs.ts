// What a model's outputs are: Distillery's architectures end in logits, while uploaded Keras models often end in a
// softmax. Everything that combines outputs (serving, evaluation, teacher logits) works on logits, so a softmax
// model's probabilities are turned back into logits: their logs have the same softmax.
import type * as tf from '@tensorflow/tfjs';

/** Clamp before the log, so a zero probability becomes a very negative logit rather than -Infinity (sums would turn NaN). */
const MIN_PROBABILITY = 1e-30;

/** The model's last layer is a softmax (a Softmax layer, or a layer with the softmax activation). */
export function endsInSoftmax(model: tf.LayersModel): boolean {
  const last = model.layers.at(-1);
  if (!last) return false;
  return last.getClassName() === 'Softmax' || (last.getConfig() as { activation?: unknown }).activation === 'softmax';
}

/** The model's outputs as logits: the outputs themselves, or for a softmax model the logs of its probabilities. */
export function asLogits(outputs: Float32Array, outputsProbabilities: boolean): Float32Array {
  return outputsProbabilities ? outputs.map((p) => Math.log(Math.max(p, MIN_PROBABILITY))) : outputs;
}
