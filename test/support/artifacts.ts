// Test support: real tiny tfjs Layers artifacts (built by test/serving/tfjs-artifacts.ts) as upload forms.
import * as tf from '@tensorflow/tfjs';
import { versionUploadForm, type VersionUploadMetadata } from '../../openapi/client';
import { denseClassifier, encodeJson, toArtifact, type UploadableArtifact } from '../serving/tfjs-artifacts';

export { denseClassifier, encodeJson, toArtifact, type UploadableArtifact };

/** The model fields matching denseClassifier(): 4 inputs, 3 classes. */
export const DENSE_MODEL = { task: 'classification', inputShape: [4], classLabels: ['a', 'b', 'c'] };

/** A 4 -> 8 -> 3 dense classifier with random weights, as an uploadable artifact (weights in `shards` files). */
export async function denseArtifact(shards = 1): Promise<UploadableArtifact> {
  const model = denseClassifier();
  try {
    return await toArtifact(model, shards);
  } finally {
    model.dispose();
  }
}

/** A dense model with `inputs` inputs and `units` outputs, for shape-mismatch tests. */
export async function denseArtifactWithShape(inputs: number, units: number): Promise<UploadableArtifact> {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [inputs], units, activation: 'softmax' })] });
  try {
    return await toArtifact(model);
  } finally {
    model.dispose();
  }
}

/** flatten + dense softmax: a real Layers artifact taking `inputShape` (an image) with `classes` outputs. */
export async function imageClassifierArtifact(inputShape: number[], classes: number): Promise<UploadableArtifact> {
  const model = tf.sequential({
    layers: [tf.layers.flatten({ inputShape }), tf.layers.dense({ units: classes, activation: 'softmax' })],
  });
  try {
    return await toArtifact(model);
  } finally {
    model.dispose();
  }
}

/** The multipart body of `POST /v1/models/{name}/versions` for an artifact. */
export function uploadForm(artifact: UploadableArtifact, metadata?: VersionUploadMetadata | string): FormData {
  return versionUploadForm(encodeJson(artifact.modelJson), artifact.weightFiles, metadata);
}

/** All weight bytes of an artifact concatenated in manifest order: what `weights.bin` must hold. */
export function concatenatedWeights(artifact: UploadableArtifact): Uint8Array {
  return new Uint8Array(Buffer.concat([...artifact.weightFiles.values()]));
}
