// Test support: small real tfjs models saved into memory as uploadable artifacts (model.json + weight files).
import * as tf from '@tensorflow/tfjs';
import { serializeModel } from '../../src/training/checkpoint';

export interface UploadableArtifact {
  /** The parsed model.json, to edit before encoding in negative tests. */
  modelJson: Record<string, unknown>;
  weightFiles: Map<string, Uint8Array>;
}

/**
 * Saves a model as a Layers artifact whose weights are split into `shards` files at arbitrary
 * byte offsets, as the tfjs converter does (shards need not end on weight boundaries).
 */
export async function toArtifact(model: tf.LayersModel, shards = 1): Promise<UploadableArtifact> {
  const { modelJson, weights } = await serializeModel(model);
  const paths = Array.from({ length: shards }, (_, i) => `group1-shard${i + 1}of${shards}.bin`);
  const shardLength = Math.ceil(weights.length / shards);
  const weightFiles = new Map(paths.map((path, i) => [path, weights.slice(i * shardLength, (i + 1) * shardLength)]));
  return { modelJson: { ...modelJson, weightsManifest: [{ paths, weights: modelJson.weightsManifest[0].weights }] }, weightFiles };
}

export const encodeJson = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

/** 4 inputs -> 8 hidden -> 3 classes: (4*8+8) + (8*3+3) = 67 trainable parameters. */
export function denseClassifier(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
}

/**
 * 8x8x1 -> conv 3x3x4 -> batch norm -> flatten -> 10 classes. Trainable: conv 3*3*1*4+4 = 40,
 * batch norm gamma+beta 8 (its moving mean/variance are not trainable), dense 6*6*4*10+10 = 1450.
 */
export function smallConvNet(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
      tf.layers.batchNormalization(),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

/** A functional model with one input and two heads. */
export function twoHeadedModel(): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  const first = tf.layers.dense({ units: 2 }).apply(input) as tf.SymbolicTensor;
  const second = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [first, second] });
}
