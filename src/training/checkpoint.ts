// Checkpoints in the TensorFlow.js Layers format, in memory: model.json object + weights.bin bytes.

import * as tf from '@tensorflow/tfjs';
import { CheckpointFormatError } from './errors';

export const WEIGHTS_FILE_NAME = 'weights.bin';

/** The standard model.json of the tfjs Layers format, naming one weights file. */
export interface LayersModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: object;
  weightsManifest: [{ paths: [typeof WEIGHTS_FILE_NAME]; weights: tf.io.WeightsManifestEntry[] }];
}

export interface ModelArtifactsBytes {
  modelJson: LayersModelJson;
  weights: Uint8Array;
}

const toBytes = (data: tf.io.WeightData): Uint8Array => new Uint8Array(tf.io.CompositeArrayBuffer.join(data));

/** Serialises a model's topology and all weights (BatchNorm running statistics included). */
export async function serializeModel(model: tf.LayersModel): Promise<ModelArtifactsBytes> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save({
    save: async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  });
  if (!saved?.modelTopology || !saved.weightSpecs || !saved.weightData) {
    throw new CheckpointFormatError('tfjs produced no topology or weights for this model');
  }
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: saved.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      convertedBy: null,
      modelTopology: saved.modelTopology as object,
      weightsManifest: [{ paths: [WEIGHTS_FILE_NAME], weights: saved.weightSpecs }],
    },
    weights: toBytes(saved.weightData),
  };
}

/** Loads a model saved by serializeModel (or any single-file tfjs Layers model). */
export async function deserializeModel({ modelJson, weights }: ModelArtifactsBytes): Promise<tf.LayersModel> {
  const manifest = modelJson.weightsManifest;
  if (modelJson.format !== 'layers-model' || !modelJson.modelTopology || !Array.isArray(manifest)) {
    throw new CheckpointFormatError('model.json is not a TensorFlow.js Layers model (format, modelTopology, weightsManifest)');
  }
  const weightSpecs = manifest.flatMap((group) => group.weights);
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData: weights.slice().buffer }),
  );
}
