// The ModelInspector port on TensorFlow.js: loads an uploaded Layers artifact to learn its shapes and parameter count.
import * as tf from '@tensorflow/tfjs';
import type { InspectedModel, ModelInspector } from '../registry/ports';
import { artifactProblem, normalizeModelJson, readLayersArtifact, type LayersArtifact } from './layers-artifact';

/**
 * Makes sure tfjs has a backend to load models on. Loading builds topology and copies weights, no
 * heavy compute, so any backend will do: one another part of the process already chose (the
 * training engine's tensorflow or wasm) is kept, and only when none has been chosen is the
 * pure-JS CPU backend, always present, set.
 */
async function readyBackend(): Promise<void> {
  // tfjs announces "install @tensorflow/tfjs-node for speed" on stderr the first time its CPU
  // backend runs in Node. A server that runs tfjs-node whenever it is installed has no use for
  // that advice in its logs, and production mode is what silences it.
  tf.env().set('PROD', true);
  if (tf.getBackend()) {
    await tf.ready();
    return;
  }
  if (!(await tf.setBackend('cpu'))) throw new Error("tfjs could not start its 'cpu' backend");
}

async function loadLayersModel(artifact: LayersArtifact): Promise<tf.LayersModel> {
  const { weightData } = artifact;
  try {
    return await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: artifact.modelTopology,
        weightSpecs: artifact.weightSpecs as tf.io.WeightsManifestEntry[],
        weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
      }),
    );
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw artifactProblem('model.json', `TensorFlow.js cannot load the model: ${reason}`);
  }
}

function describe(model: tf.LayersModel): Pick<InspectedModel, 'inputShape' | 'outputUnits' | 'parameterCount'> {
  if (model.inputs.length !== 1) {
    throw artifactProblem('model.json', `the model has ${model.inputs.length} inputs; exactly one is supported`);
  }
  if (model.outputs.length !== 1) {
    throw artifactProblem('model.json', `the model has ${model.outputs.length} outputs; exactly one is supported`);
  }
  const [input] = model.inputs as [tf.SymbolicTensor];
  const [output] = model.outputs as [tf.SymbolicTensor];
  const outputUnits = output.shape[output.shape.length - 1];
  if (output.shape.length < 2 || typeof outputUnits !== 'number') {
    throw artifactProblem('model.json', `the model's output shape ${JSON.stringify(output.shape)} has no fixed last dimension`);
  }
  const parameterCount = model.trainableWeights.reduce((n, weight) => n + weight.shape.reduce<number>((a, d) => a * (d ?? 1), 1), 0);
  return { inputShape: input.shape.slice(1), outputUnits, parameterCount };
}

/** A ModelInspector that really loads the artifact with tfjs, so anything accepted will load again for prediction and training. */
export function createTfjsModelInspector(): ModelInspector {
  return {
    async inspect(modelJson, weightFiles) {
      const artifact = readLayersArtifact(modelJson, weightFiles);
      // Checked on every call, not remembered: another part of the process may switch backends
      // later, and tf.ready() waits for a switch still under way.
      await readyBackend();
      const model = await loadLayersModel(artifact);
      try {
        return { ...describe(model), normalizedModelJson: normalizeModelJson(artifact), weights: artifact.weightData };
      } finally {
        model.dispose();
      }
    },
  };
}
