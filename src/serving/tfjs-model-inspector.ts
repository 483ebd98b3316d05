// The ModelInspector port on Node: the tensor-free manifest inspector decides, then TensorFlow.js loads the artifact and must agree.
import * as tf from '@tensorflow/tfjs';
import { DistilleryError } from '../errors';
import type { ModelInspector } from '../registry/ports';
import { readLayersArtifact, type LayersArtifact } from './layers-artifact';
import { describeLayersArtifact, inspectedModel, type ModelDescription } from './manifest-model-inspector';

/**
 * The manifest inspector and tfjs disagree about an artifact: a bug in the manifest inspector
 * (Workers would answer differently), never the uploader's fault, so a logged 500, not a 422.
 */
export class InspectorDisagreementError extends DistilleryError {
  readonly type = 'inspector-disagreement';
  readonly status = 500;
}

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

/** The model's one input and one output, or a reason there are not exactly one of each. */
function onlyInputAndOutput(model: tf.LayersModel): [tf.SymbolicTensor, tf.SymbolicTensor] | string {
  if (model.inputs.length !== 1) return `the model has ${model.inputs.length} inputs; exactly one is supported`;
  if (model.outputs.length !== 1) return `the model has ${model.outputs.length} outputs; exactly one is supported`;
  return [model.inputs[0]!, model.outputs[0]!];
}

function describe(model: tf.LayersModel): ModelDescription | string {
  const ends = onlyInputAndOutput(model);
  if (typeof ends === 'string') return ends;
  const [input, output] = ends;
  const outputUnits = output.shape[output.shape.length - 1];
  if (output.shape.length < 2 || typeof outputUnits !== 'number') return `the model's output shape ${JSON.stringify(output.shape)} has no fixed last dimension`;
  const parameterCount = model.trainableWeights.reduce((n, weight) => n + weight.shape.reduce<number>((a, d) => a * (d ?? 1), 1), 0);
  return { inputShape: input.shape.slice(1), outputUnits, parameterCount };
}

/**
 * Loads an artifact with tfjs and describes it as the manifest inspector does; a string says why
 * tfjs refused it. Exported so tests can show that tfjs alone refuses what the manifest inspector does.
 */
export async function describeWithTfjs(artifact: LayersArtifact): Promise<ModelDescription | string> {
  // Checked on every call, not remembered: another part of the process may switch backends
  // later, and tf.ready() waits for a switch still under way.
  await readyBackend();
  const { weightData } = artifact;
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: artifact.modelTopology,
        weightSpecs: artifact.weightSpecs as tf.io.WeightsManifestEntry[],
        weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
      }),
    );
  } catch (cause) {
    return `TensorFlow.js cannot load the model: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
  try {
    return describe(model);
  } finally {
    model.dispose();
  }
}

const FIELDS = ['inputShape', 'outputUnits', 'parameterCount'] as const;

/** Throws InspectorDisagreementError unless tfjs loaded the artifact and found what the manifest inspector did. */
export function requireAgreement(manifest: ModelDescription, tfjs: ModelDescription | string): void {
  if (typeof tfjs === 'string') {
    throw new InspectorDisagreementError(`the manifest inspector accepted the artifact but tfjs refused it: ${tfjs}`);
  }
  const differing = FIELDS.filter((field) => JSON.stringify(manifest[field]) !== JSON.stringify(tfjs[field]));
  if (differing.length > 0) {
    const found = differing.map((field) => `${field} ${JSON.stringify(manifest[field])} vs ${JSON.stringify(tfjs[field])}`).join(', ');
    throw new InspectorDisagreementError(`the manifest inspector and tfjs disagree about the artifact (manifest vs tfjs): ${found}`);
  }
}

/**
 * The Node ModelInspector. The manifest inspector decides, so Node accepts and refuses exactly what
 * Workers do; tfjs then really loads what was accepted (defence in depth: anything accepted will
 * load again for prediction and training) and must find the same shapes and parameter count.
 */
export function createTfjsModelInspector(): ModelInspector {
  return {
    async inspect(modelJson, weightFiles) {
      const artifact = readLayersArtifact(modelJson, weightFiles);
      const description = describeLayersArtifact(artifact);
      requireAgreement(description, await describeWithTfjs(artifact));
      return inspectedModel(artifact, description);
    },
  };
}
