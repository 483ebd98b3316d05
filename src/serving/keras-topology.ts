// Reads a Keras Sequential or functional topology (tfjs `model.save` or Python converter layout) into one input, one output and the layers between, in evaluation order.
import { LayerConfig, toTfjsConfig, type Shape } from './keras-config';
import { isObject, modelJsonProblem } from './layers-artifact';

/** A layer applied once, to the outputs of the named layers. */
export interface TopologyNode {
  layer: LayerConfig;
  inputs: string[];
}

export interface KerasTopology {
  /** Name of the model's input (its InputLayer). */
  input: string;
  /** The input's shape, batch dimension first. */
  inputShape: Shape;
  /** Every layer between input and output, each after the layers it reads. */
  nodes: TopologyNode[];
  output: string;
}


function layerConfig(entry: unknown, where: string): LayerConfig {
  if (!isObject(entry) || typeof entry.className !== 'string' || !isObject(entry.config)) {
    throw modelJsonProblem(`${where} needs a class_name and a config`);
  }
  // tfjs names a layer, and so its weights, by config.name; without one it would invent a name.
  const { name } = entry.config;
  if (typeof name !== 'string' || name === '') throw modelJsonProblem(`${where} (${entry.className}) has no config.name`);
  if (entry.name !== undefined && entry.name !== name) throw modelJsonProblem(`${where} is named both "${String(entry.name)}" and "${name}"`);
  return new LayerConfig(name, entry.className, entry.config);
}

/** The batch input shape a layer declares (`batch_input_shape`, or `input_shape` with `batch_size`), if any. */
function declaredInputShape(layer: LayerConfig): Shape | undefined {
  if (layer.has('batchInputShape') && layer.has('inputShape')) throw layer.problem('gives both batch_input_shape and input_shape');
  const shape = layer.has('batchInputShape') ? layer.raw('batchInputShape') : layer.has('inputShape') ? [layer.raw('batchSize') ?? null, ...asList(layer.raw('inputShape'))] : undefined;
  if (shape === undefined) return undefined;
  const isSize = (size: unknown) => size === null || (Number.isInteger(size) && (size as number) > 0);
  if (!Array.isArray(shape) || shape.length < 2 || !shape.every(isSize)) {
    throw layer.problem(`has an input shape that is not a batch dimension and at least one positive size or null: ${JSON.stringify(shape)}`);
  }
  return shape as Shape;
}

/** Weights are named after their layer, so two layers of one name would claim the same weights. */
function uniquelyNamed(layers: LayerConfig[]): LayerConfig[] {
  const seen = new Set<string>();
  for (const layer of layers) {
    if (seen.has(layer.name)) throw modelJsonProblem(`two layers are named "${layer.name}"`);
    seen.add(layer.name);
  }
  return layers;
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

function inputLayerShape(layer: LayerConfig): Shape {
  const shape = declaredInputShape(layer);
  if (shape === undefined) throw layer.problem('has neither batch_input_shape nor input_shape');
  return shape;
}

function readSequential(config: unknown): KerasTopology {
  const entries = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(entries) || entries.length === 0) throw modelJsonProblem('the Sequential model has no layers');
  const layers = uniquelyNamed(entries.map((entry, i) => layerConfig(entry, `layers[${i}]`)));
  const [first] = layers as [LayerConfig];
  const startsWithInput = first.className === 'InputLayer';
  const inputShape = startsWithInput ? inputLayerShape(first) : declaredInputShape(first);
  if (inputShape === undefined) throw first.problem('is the first layer of a Sequential model and has no batch_input_shape');
  const input = startsWithInput ? first.name : `${first.name}_input`;
  const rest = startsWithInput ? layers.slice(1) : layers;
  const nodes = rest.map((layer, i) => ({ layer, inputs: [i === 0 ? input : rest[i - 1]!.name] }));
  return { input, inputShape, nodes, output: nodes.length > 0 ? nodes[nodes.length - 1]!.layer.name : input };
}

/** Names of the layers a functional layer's single inbound node reads (`[[[name, 0, 0, {}], …]]`). */
function inboundLayers(layer: LayerConfig, inboundNodes: unknown): string[] {
  if (!Array.isArray(inboundNodes)) throw layer.problem('has no inbound_nodes list');
  if (inboundNodes.length === 0) return [];
  if (inboundNodes.length > 1) throw layer.problem('is applied more than once (a shared layer), which the registry cannot verify');
  const [node] = inboundNodes;
  if (!Array.isArray(node) || node.length === 0) throw layer.problem('has an inbound node that is not a list of inputs');
  return node.map((ref) => {
    const simple = Array.isArray(ref) && typeof ref[0] === 'string' && ref[1] === 0 && ref[2] === 0;
    const kwargs = Array.isArray(ref) ? ref[3] : undefined;
    if (!simple || (kwargs !== undefined && !(isObject(kwargs) && Object.keys(kwargs).length === 0))) {
      throw layer.problem(`reads ${JSON.stringify(ref)}; the registry verifies only [layer name, 0, 0, {}] inputs`);
    }
    return ref[0] as string;
  });
}

/** The layer names of `input_layers` / `output_layers`, refusing anything but exactly one. */
function onlyEndpoint(refs: unknown, kind: 'input' | 'output'): string {
  const list = Array.isArray(refs) ? refs : [];
  if (list.length !== 1) throw modelJsonProblem(`the model has ${list.length} ${kind}s; exactly one is supported`);
  const [ref] = list;
  if (!Array.isArray(ref) || typeof ref[0] !== 'string' || ref[1] !== 0 || ref[2] !== 0) {
    throw modelJsonProblem(`${kind}_layers[0] is ${JSON.stringify(ref)}; the registry verifies only [layer name, 0, 0]`);
  }
  return ref[0];
}

function readFunctional(config: unknown): KerasTopology {
  if (!isObject(config) || !Array.isArray(config.layers)) throw modelJsonProblem('the functional model has no layers list');
  const entries = config.layers as unknown[];
  const layers = uniquelyNamed(entries.map((entry, i) => layerConfig(entry, `layers[${i}]`)));
  const byName = new Map(layers.map((layer, i) => [layer.name, { layer, inputs: inboundLayers(layer, (entries[i] as Record<string, unknown>).inboundNodes) }]));
  const input = onlyEndpoint(config.inputLayers, 'input');
  const output = onlyEndpoint(config.outputLayers, 'output');
  const source = byName.get(input);
  if (source === undefined || source.layer.className !== 'InputLayer') throw modelJsonProblem(`the model's input "${input}" is not an InputLayer of the model`);

  // Depth-first from the output, so every node comes after what it reads and unreachable layers show.
  const ordered: TopologyNode[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, reader: string): void => {
    const found = byName.get(name);
    if (found === undefined) throw modelJsonProblem(`layer "${reader}" reads "${name}", which is not a layer of the model`);
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw modelJsonProblem(`layer "${name}" depends on itself`);
    state.set(name, 'visiting');
    if (found.layer.className === 'InputLayer') {
      if (name !== input) throw modelJsonProblem(`layer "${reader}" reads "${name}", an InputLayer that is not the model's input`);
    } else {
      if (found.inputs.length === 0) throw found.layer.problem('has no inputs');
      for (const from of found.inputs) visit(from, name);
      ordered.push(found);
    }
    state.set(name, 'done');
  };
  visit(output, 'output_layers');
  const unused = [...byName.keys()].find((name) => !state.has(name));
  if (unused !== undefined) throw modelJsonProblem(`layer "${unused}" does not lead to the model's output`);
  return { input, inputShape: inputLayerShape(source.layer), nodes: ordered, output };
}

/** Reads `modelTopology` (or its `model_config`) as tfjs would; refuses anything but Sequential and Model/Functional. */
export function readKerasTopology(modelTopology: Record<string, unknown>): KerasTopology {
  const model = toTfjsConfig(isObject(modelTopology.model_config) ? modelTopology.model_config : modelTopology) as Record<string, unknown>;
  switch (model.className) {
    case 'Sequential':
      return readSequential(model.config);
    case 'Model':
    case 'Functional':
      return readFunctional(model.config);
    default:
      throw modelJsonProblem(`the model class ${JSON.stringify(model.className)} is not one the registry can verify (Sequential, Model or Functional)`);
  }
}
