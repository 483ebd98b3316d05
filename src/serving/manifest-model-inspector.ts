// The ModelInspector port without tensors: infers shapes over the topology and checks every weight the layers need against the manifest. Runs on Workers and Node alike.
import type { InspectedModel, ModelInspector } from '../registry/ports';
import type { Shape } from './keras-config';
import { LAYER_RULES, type LayerWeight } from './keras-layers';
import { readKerasTopology } from './keras-topology';
import { modelJsonProblem, normalizeModelJson, readLayersArtifact, type LayersArtifact, type WeightSpec } from './layers-artifact';

/** What an inspector learns about a model, apart from the rewritten files. */
export type ModelDescription = Pick<InspectedModel, 'inputShape' | 'outputUnits' | 'parameterCount'>;

interface NamedWeight extends LayerWeight {
  /** `layer "conv1" (Conv2D)`, for messages. */
  owner: string;
}

const SUPPORTED = Object.keys(LAYER_RULES).join(', ');

/** Walks the layers in order: each one's output shape from its inputs', and the weights it creates. */
function inferLayers(artifact: LayersArtifact): { inputShape: Shape; output: Shape; weights: NamedWeight[] } {
  const topology = readKerasTopology(artifact.modelTopology);
  const shapes = new Map<string, Shape>([[topology.input, topology.inputShape]]);
  const weights: NamedWeight[] = [];
  for (const { layer, inputs } of topology.nodes) {
    const rule = LAYER_RULES[layer.className];
    if (rule === undefined) {
      throw layer.problem(`the registry cannot verify layers of class ${layer.className}, so it refuses the model on every runtime (supported: ${SUPPORTED})`);
    }
    layer.checkCommonOptions();
    const outcome = rule(layer, inputs.map((name) => shapes.get(name)!));
    shapes.set(layer.name, outcome.output);
    // tfjs leaves every weight of a layer frozen with `trainable: false` out of trainableWeights.
    const layerTrainable = layer.boolean('trainable', true);
    const owner = `layer "${layer.name}" (${layer.className})`;
    for (const weight of outcome.weights) {
      weights.push({ name: `${layer.name}/${weight.name}`, shape: weight.shape, trainable: weight.trainable && layerTrainable, owner });
    }
  }
  return { inputShape: topology.inputShape, output: shapes.get(topology.output)!, weights };
}

/** The manifest must hold exactly the weights the layers create, float32, each of the shape its layer needs. */
function checkManifest(expected: NamedWeight[], specs: WeightSpec[]): void {
  const byName = new Map<string, WeightSpec>();
  for (const spec of specs) {
    if (byName.has(spec.name)) throw modelJsonProblem(`weight ${spec.name} is listed twice in the manifest`);
    byName.set(spec.name, spec);
  }
  for (const weight of expected) {
    const spec = byName.get(weight.name);
    const needs = `${weight.owner} needs ${JSON.stringify(weight.shape)}`;
    if (spec === undefined) throw modelJsonProblem(`the manifest has no weight ${weight.name}; ${needs}`);
    if (JSON.stringify(spec.shape) !== JSON.stringify(weight.shape)) {
      throw modelJsonProblem(`weight ${weight.name} has shape ${JSON.stringify(spec.shape)} in the manifest; ${needs}`);
    }
    if (spec.dtype !== 'float32') throw modelJsonProblem(`weight ${weight.name} has dtype ${spec.dtype}; layer weights are float32`);
    byName.delete(weight.name);
  }
  const [extra] = byName.keys();
  if (extra !== undefined) throw modelJsonProblem(`weight ${extra} in the manifest belongs to no layer of the model`);
}

/** Inspects an artifact already read by readLayersArtifact; throws UnprocessableError naming what is wrong. */
export function describeLayersArtifact(artifact: LayersArtifact): ModelDescription {
  const { inputShape, output, weights } = inferLayers(artifact);
  const outputUnits = output[output.length - 1];
  if (output.length < 2 || typeof outputUnits !== 'number') {
    throw modelJsonProblem(`the model's output shape ${JSON.stringify(output)} has no fixed last dimension`);
  }
  checkManifest(weights, artifact.weightSpecs);
  const parameterCount = weights.filter((w) => w.trainable).reduce((n, w) => n + w.shape.reduce((a, d) => a * d, 1), 0);
  return { inputShape: inputShape.slice(1), outputUnits, parameterCount };
}

/** What every inspector answers for an accepted artifact: its description, and its files as the registry stores them. */
export function inspectedModel(artifact: LayersArtifact, description: ModelDescription): InspectedModel {
  return { ...description, normalizedModelJson: normalizeModelJson(artifact), weights: artifact.weightData };
}

/**
 * A ModelInspector that needs no tensors, for runtimes without tfjs (Workers). A layer class it
 * does not know is refused, and Node runs it too, so both runtimes accept exactly the same models.
 */
export function createManifestModelInspector(): ModelInspector {
  return {
    async inspect(modelJson, weightFiles) {
      const artifact = readLayersArtifact(modelJson, weightFiles);
      return inspectedModel(artifact, describeLayersArtifact(artifact));
    },
  };
}
