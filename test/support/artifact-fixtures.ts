// Test support: one table of uploadable artifacts, accepted and refused, with the answer every runtime's inspector must give (Node and Workers alike).
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportUntrainedModel } from '../../src/cli/export-model';
import type { Architecture } from '../../src/training/models';
import { encodeJson, toArtifact, twoHeadedModel, type UploadableArtifact } from '../serving/tfjs-artifacts';

/** The bytes of one upload: model.json and each weight file by the path the manifest names. */
export interface ArtifactFiles {
  modelJson: Uint8Array;
  weightFiles: Map<string, Uint8Array>;
}

export type ArtifactOutcome =
  | { accepted: { inputShape: (number | null)[]; outputUnits: number; parameterCount: number } }
  | {
      /** The 422 problem: `message` is its `detail` and the message of its one `errors` entry, whose `path` is `part`. */
      refused: { status: 422; type: 'unprocessable-entity'; message: string | RegExp; part: string };
      /**
       * What tfjs alone (no manifest inspector in front) does with a refused artifact that gets as
       * far as tfjs: 'refuses' too, or 'accepts' where the registry is stricter on purpose
       * (classes or options it cannot verify). Absent when the bytes are refused before tfjs
       * (or, for a cycle, when tfjs is better not asked).
       */
      tfjsAlone?: 'refuses' | 'accepts';
    };

export interface ArtifactFixture {
  name: string;
  outcome: ArtifactOutcome;
  /** Builds the upload (with tfjs, in Node); the same bytes on every call. */
  files(): Promise<ArtifactFiles>;
}

const refused = (message: string | RegExp, tfjsAlone?: 'refuses' | 'accepts', part = 'model.json'): ArtifactOutcome => ({
  refused: { status: 422, type: 'unprocessable-entity', message, part },
  ...(tfjsAlone ? { tfjsAlone } : {}),
});

const once = <T>(build: () => Promise<T>): (() => Promise<T>) => {
  let built: Promise<T> | undefined;
  return () => (built ??= build());
};

const asFiles = ({ modelJson, weightFiles }: UploadableArtifact): ArtifactFiles => ({ modelJson: encodeJson(modelJson), weightFiles });

/** A tfjs model saved as an upload, optionally edited first; the model is disposed. */
function fromModel(build: () => tf.LayersModel, edit: (artifact: UploadableArtifact) => void = () => {}, shards = 1): () => Promise<ArtifactFiles> {
  return once(async () => {
    const model = build();
    try {
      const artifact = await toArtifact(model, shards);
      edit(artifact);
      return asFiles(artifact);
    } finally {
      model.dispose();
    }
  });
}

/** An architecture of src/training/models as `distillery export-model` writes it (model.json + weights.bin). */
function exported(architecture: Architecture, inputShape: [number, number, number], numClasses: number): () => Promise<ArtifactFiles> {
  return once(async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'distillery-fixture-'));
    try {
      const [modelJsonPath, weightsPath] = await exportUntrainedModel({ architecture, inputShape, numClasses, seed: 7, outDir });
      const [modelJson, weights] = await Promise.all([readFile(modelJsonPath!), readFile(weightsPath!)]);
      return { modelJson: new Uint8Array(modelJson), weightFiles: new Map([['weights.bin', new Uint8Array(weights)]]) };
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
}

type Manifest = { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
const manifestOf = (artifact: UploadableArtifact) => (artifact.modelJson.weightsManifest as Manifest)[0]!.weights;
type Topology = { class_name: string; config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
const layersOf = (artifact: UploadableArtifact) => (artifact.modelJson.modelTopology as Topology).config.layers;

/** 4 -> dense "hidden" 8 -> dense "scores" 3: (4*8+8) + (8*3+3) = 67 trainable parameters. */
const namedDense = () =>
  tf.sequential({
    layers: [
      tf.layers.dense({ name: 'hidden', inputShape: [4], units: 8, activation: 'relu' }),
      tf.layers.dense({ name: 'scores', units: 3, activation: 'softmax' }),
    ],
  });

/** Sequential, 16x16x3, through every shape-changing class the inspector knows; shapes and trainable parameters beside each layer. */
const sequentialZoo = () =>
  tf.sequential({
    layers: [
      // 16x16x3 -> 16x16x8: 3*3*3*8 + 8 = 224
      tf.layers.conv2d({ name: 'conv', inputShape: [16, 16, 3], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }),
      // -> 18x18x8 -> 8x8x16 (valid 3x3 stride 2): 3*3*8*2 + 16 = 160
      tf.layers.zeroPadding2d({ name: 'pad', padding: 1 }),
      tf.layers.depthwiseConv2d({ name: 'depthwise', kernelSize: 3, strides: 2, depthMultiplier: 2 }),
      // -> 8x8x8: depthwise 3*3*16*1 + pointwise 16*8 + bias 8 = 280
      tf.layers.separableConv2d({ name: 'separable', filters: 8, kernelSize: 3, padding: 'same' }),
      // beta only, 8 trainable (moving mean and variance are not)
      tf.layers.batchNormalization({ name: 'norm', scale: false }),
      tf.layers.reLU({ name: 'relu' }),
      // -> 4x4x8
      tf.layers.maxPooling2d({ name: 'max', poolSize: 2 }),
      // -> 2x2x8 (3x3 window, stride 2, same)
      tf.layers.averagePooling2d({ name: 'average', poolSize: 3, strides: 2, padding: 'same' }),
      tf.layers.leakyReLU({ name: 'leaky' }),
      // -> 32 -> 4x8 -> 32 (no -1: tfjs would leave that size free and Flatten would refuse it)
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.reshape({ name: 'reshape', targetShape: [4, 8] }),
      tf.layers.dropout({ name: 'dropout', rate: 0.5 }),
      tf.layers.flatten({ name: 'flatten2' }),
      // 32*5 + 5 = 165
      tf.layers.dense({ name: 'logits', units: 5, useBias: true }),
      tf.layers.activation({ name: 'tanh', activation: 'tanh' }),
      tf.layers.softmax({ name: 'softmax' }),
    ],
  });
const SEQUENTIAL_ZOO_PARAMETERS = 224 + 160 + 280 + 8 + 165;

/**
 * Functional, 8x8x3: a stem, two branches added, a third concatenated, global pooling, a frozen
 * dense layer and a head. Trainable: stem 3*3*3*4+4 = 112, stem norm 8, left 1*1*4*4+4 = 20,
 * right (no bias) 3*3*4*4 = 144, side 4*4 = 16 without bias, head 8*3+3 = 27; frozen 8*8+8 = 72 is not.
 */
function functionalZoo(): tf.LayersModel {
  const input = tf.input({ name: 'image', shape: [8, 8, 3] });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;
  let x = apply(tf.layers.conv2d({ name: 'stem', filters: 4, kernelSize: 3, padding: 'same' }), input);
  x = apply(tf.layers.batchNormalization({ name: 'stem_norm' }), x);
  const left = apply(tf.layers.conv2d({ name: 'left', filters: 4, kernelSize: 1 }), x);
  const right = apply(tf.layers.conv2d({ name: 'right', filters: 4, kernelSize: 3, padding: 'same', useBias: false }), x);
  const sum = apply(tf.layers.add({ name: 'sum' }), [left, right]);
  const side = apply(tf.layers.conv2d({ name: 'side', filters: 4, kernelSize: 1, useBias: false }), x);
  const joined = apply(tf.layers.concatenate({ name: 'joined' }), [sum, side]);
  const pooled = apply(tf.layers.globalAveragePooling2d({ name: 'pool' }), joined);
  const maxed = apply(tf.layers.globalMaxPooling2d({ name: 'max' }), joined);
  const both = apply(tf.layers.add({ name: 'both' }), [pooled, maxed]);
  const frozen = apply(tf.layers.dense({ name: 'frozen', units: 8, trainable: false }), both);
  const head = apply(tf.layers.dense({ name: 'head', units: 3, activation: 'softmax' }), frozen);
  return tf.model({ inputs: input, outputs: head, name: 'functional-zoo' });
}
const FUNCTIONAL_ZOO_PARAMETERS = 112 + 8 + 20 + 144 + 16 + 27;

/** Deterministic float32 weight bytes for a manifest, as a converter would write them. */
function weightBytes(specs: { shape: number[] }[]): Uint8Array {
  const count = specs.reduce((n, spec) => n + spec.shape.reduce((a, d) => a * d, 1), 0);
  return new Uint8Array(Float32Array.from({ length: count }, (_, i) => ((i % 13) - 6) / 100).buffer);
}

const KERAS_DENSE_OPTIONS = {
  use_bias: true,
  kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
  bias_initializer: { class_name: 'Zeros', config: {} },
  kernel_regularizer: null,
  bias_regularizer: null,
  activity_regularizer: null,
  kernel_constraint: null,
  bias_constraint: null,
};

/** A Keras 2 Sequential CNN as the Python converter writes it: model_config, an InputLayer first, snake_case, `groups`. 8x8x1 -> 151 parameters. */
function pythonSequential(): ArtifactFiles {
  const layers = [
    { class_name: 'InputLayer', config: { batch_input_shape: [null, 8, 8, 1], dtype: 'float32', sparse: false, ragged: false, name: 'conv2d_input' } },
    {
      class_name: 'Conv2D',
      config: { name: 'conv2d', trainable: true, dtype: 'float32', filters: 4, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'relu', ...KERAS_DENSE_OPTIONS },
    },
    { class_name: 'MaxPooling2D', config: { name: 'max_pooling2d', trainable: true, dtype: 'float32', pool_size: [2, 2], padding: 'valid', strides: [2, 2], data_format: 'channels_last' } },
    { class_name: 'Flatten', config: { name: 'flatten', trainable: true, dtype: 'float32', data_format: 'channels_last' } },
    { class_name: 'Dense', config: { name: 'dense', trainable: true, dtype: 'float32', units: 3, activation: 'softmax', ...KERAS_DENSE_OPTIONS } },
  ];
  const weights = [
    { name: 'conv2d/kernel', shape: [3, 3, 1, 4], dtype: 'float32' },
    { name: 'conv2d/bias', shape: [4], dtype: 'float32' },
    { name: 'dense/kernel', shape: [36, 3], dtype: 'float32' },
    { name: 'dense/bias', shape: [3], dtype: 'float32' },
  ];
  return pythonArtifact({ class_name: 'Sequential', config: { name: 'sequential', layers } }, weights);
}

/** A Keras 2 functional model ("Functional") as the Python converter writes it: two dense branches added, a dense head. 4 -> 50 parameters. */
function pythonFunctional(): ArtifactFiles {
  const dense = (name: string, units: number, from: string) => ({
    class_name: 'Dense',
    name,
    config: { name, trainable: true, dtype: 'float32', units, activation: 'linear', ...KERAS_DENSE_OPTIONS },
    inbound_nodes: [[[from, 0, 0, {}]]],
  });
  const layers = [
    { class_name: 'InputLayer', name: 'input_1', config: { batch_input_shape: [null, 4], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' }, inbound_nodes: [] },
    dense('dense', 4, 'input_1'),
    dense('dense_1', 4, 'input_1'),
    { class_name: 'Add', name: 'add', config: { name: 'add', trainable: true, dtype: 'float32' }, inbound_nodes: [[['dense', 0, 0, {}], ['dense_1', 0, 0, {}]]] },
    dense('dense_2', 2, 'add'),
  ];
  const config = { name: 'model', layers, input_layers: [['input_1', 0, 0]], output_layers: [['dense_2', 0, 0]] };
  const weights = ['dense', 'dense_1', 'dense_2'].flatMap((name) => {
    const units = name === 'dense_2' ? 2 : 4;
    return [
      { name: `${name}/kernel`, shape: [4, units], dtype: 'float32' },
      { name: `${name}/bias`, shape: [units], dtype: 'float32' },
    ];
  });
  return pythonArtifact({ class_name: 'Functional', config }, weights);
}

function pythonArtifact(modelConfig: object, weights: { name: string; shape: number[]; dtype: string }[]): ArtifactFiles {
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'keras v2.13.1',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: { keras_version: '2.13.1', backend: 'tensorflow', model_config: modelConfig, training_config: { loss: 'categorical_crossentropy' } },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights }],
  };
  return { modelJson: encodeJson(modelJson), weightFiles: new Map([['group1-shard1of1.bin', weightBytes(weights)]]) };
}

const toCamelCase = (key: string) => key.replace(/_+(\w)/g, (_, next: string) => next.toUpperCase());
/** Every object key camelCased (values untouched), as tfjs also reads a topology. */
function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [toCamelCase(key), camelKeys(item)]));
}

/** Two inputs concatenated into one dense layer. */
function twoInputModel(): tf.LayersModel {
  const a = tf.input({ name: 'a', shape: [2] });
  const b = tf.input({ name: 'b', shape: [3] });
  const joined = tf.layers.concatenate({ name: 'ab' }).apply([a, b]) as tf.SymbolicTensor;
  return tf.model({ inputs: [a, b], outputs: tf.layers.dense({ name: 'out', units: 2 }).apply(joined) as tf.SymbolicTensor });
}

/** An input whose last dimension is free, passed through unchanged: the output has no class count. */
function freeLastDimension(): tf.LayersModel {
  const input = tf.input({ name: 'sequence', shape: [4, null] as unknown as number[] });
  return tf.model({ inputs: input, outputs: tf.layers.reLU({ name: 'relu' }).apply(input) as tf.SymbolicTensor });
}

/** Ends in Reshape to [2, -1]: tfjs leaves that size free in the shape it infers, so the class count is unknown. */
const reshapedToFreeSize = () =>
  tf.sequential({
    layers: [tf.layers.dense({ name: 'hidden', inputShape: [4], units: 8 }), tf.layers.reshape({ name: 'reshape', targetShape: [2, -1] })],
  });

const smallConvChannelsFirst = () =>
  tf.sequential({
    layers: [
      tf.layers.conv2d({ name: 'conv', inputShape: [1, 8, 8], filters: 2, kernelSize: 3, dataFormat: 'channelsFirst' }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'out', units: 2 }),
    ],
  });

const withLayerNormalization = () =>
  tf.sequential({
    layers: [
      tf.layers.dense({ name: 'hidden', inputShape: [4], units: 8 }),
      tf.layers.layerNormalization({ name: 'layer_norm' }),
      tf.layers.dense({ name: 'scores', units: 3 }),
    ],
  });

/** 4 features -> dense "scores" 3, functional. */
function smallFunctional(): tf.LayersModel {
  const input = tf.input({ name: 'features', shape: [4] });
  return tf.model({ inputs: input, outputs: tf.layers.dense({ name: 'scores', units: 3 }).apply(input) as tf.SymbolicTensor });
}

const tinyImageConv = () =>
  tf.sequential({
    layers: [tf.layers.conv2d({ name: 'conv', inputShape: [3, 3, 1], filters: 2, kernelSize: 3 }), tf.layers.flatten({ name: 'flatten' }), tf.layers.dense({ name: 'out', units: 2 })],
  });

/** One dense layer applied twice (a shared layer): tfjs loads it, the registry does not verify it. */
function sharedLayer(): tf.LayersModel {
  const input = tf.input({ name: 'features', shape: [4] });
  const shared = tf.layers.dense({ name: 'shared', units: 4 });
  const twice = shared.apply(shared.apply(input)) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: twice });
}

/** Every accepted and refused artifact, with the answer every runtime must give. */
export const ARTIFACT_FIXTURES: readonly ArtifactFixture[] = [
  // ---- accepted: every architecture of src/training/models, through `distillery export-model`
  { name: 'export-model mlp', outcome: { accepted: { inputShape: [28, 28, 1], outputUnits: 10, parameterCount: 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10 } }, files: exported('mlp', [28, 28, 1], 10) },
  // conv1 3*3*1*32+32 = 320, conv2 3*3*32*64+64 = 18496, fc1 7*7*64*128+128 = 401536, fc2 128*10+10 = 1290
  { name: 'export-model cnn-small', outcome: { accepted: { inputShape: [28, 28, 1], outputUnits: 10, parameterCount: 320 + 18496 + 401536 + 1290 } }, files: exported('cnn-small', [28, 28, 1], 10) },
  // torchvision's resnet18 has 11,689,512 parameters with 1000 classes; with 10, fc loses 512*990+990.
  { name: 'export-model resnet18', outcome: { accepted: { inputShape: [32, 32, 3], outputUnits: 10, parameterCount: 11_689_512 - 513 * 990 } }, files: exported('resnet18', [32, 32, 3], 10) },
  // the CIFAR stem: conv1 is 3x3 (1,728 weights) instead of 7x7 (9,408)
  { name: 'export-model resnet18-cifar', outcome: { accepted: { inputShape: [32, 32, 3], outputUnits: 10, parameterCount: 11_689_512 - 513 * 990 - 9408 + 1728 } }, files: exported('resnet18-cifar', [32, 32, 3], 10) },

  // ---- accepted: tfjs-built and Python-converted models
  { name: 'tfjs Sequential dense classifier, two shards', outcome: { accepted: { inputShape: [4], outputUnits: 3, parameterCount: 67 } }, files: fromModel(namedDense, undefined, 2) },
  { name: 'tfjs Sequential with every shape-changing class', outcome: { accepted: { inputShape: [16, 16, 3], outputUnits: 5, parameterCount: SEQUENTIAL_ZOO_PARAMETERS } }, files: fromModel(sequentialZoo) },
  { name: 'tfjs functional with branches, merges and a frozen layer', outcome: { accepted: { inputShape: [8, 8, 3], outputUnits: 3, parameterCount: FUNCTIONAL_ZOO_PARAMETERS } }, files: fromModel(functionalZoo) },
  {
    name: 'tfjs functional with camelCase keys',
    outcome: { accepted: { inputShape: [8, 8, 3], outputUnits: 3, parameterCount: FUNCTIONAL_ZOO_PARAMETERS } },
    files: fromModel(functionalZoo, (artifact) => {
      artifact.modelJson.modelTopology = camelKeys(artifact.modelJson.modelTopology);
    }),
  },
  { name: 'Python converter Sequential (Keras 2, model_config)', outcome: { accepted: { inputShape: [8, 8, 1], outputUnits: 3, parameterCount: 40 + 111 } }, files: once(async () => pythonSequential()) },
  { name: 'Python converter Functional (Keras 2, model_config)', outcome: { accepted: { inputShape: [4], outputUnits: 2, parameterCount: 20 + 20 + 10 } }, files: once(async () => pythonFunctional()) },

  // ---- refused before any topology is read
  { name: 'model.json that is not JSON', outcome: refused(/^model\.json is not valid JSON: /), files: once(async () => ({ modelJson: new TextEncoder().encode('{"format": "layers-model",'), weightFiles: new Map() })) },
  {
    name: 'a graph model',
    outcome: refused('model.json format is "graph-model"; only "layers-model" artifacts are accepted'),
    files: fromModel(namedDense, (artifact) => {
      artifact.modelJson.format = 'graph-model';
    }),
  },
  {
    name: 'weights 4 bytes shorter than the manifest',
    outcome: refused('weights are 4 bytes shorter than the manifest says (264 sent, 268 expected)', undefined, 'weights'),
    files: fromModel(namedDense, (artifact) => {
      const [path, bytes] = [...artifact.weightFiles][0]!;
      artifact.weightFiles.set(path, bytes.slice(0, bytes.length - 4));
    }),
  },
  {
    name: 'a weight file the manifest names but the upload lacks',
    outcome: refused('weight file group1-shard2of2.bin named in the manifest was not uploaded', undefined, 'group1-shard2of2.bin'),
    files: fromModel(namedDense, (artifact) => artifact.weightFiles.delete('group1-shard2of2.bin'), 2),
  },

  // ---- refused: the manifest disagrees with the topology
  {
    name: 'a kernel whose manifest shape is transposed (same byte count)',
    outcome: refused('weight hidden/kernel has shape [8,4] in the manifest; layer "hidden" (Dense) needs [4,8]', 'refuses'),
    files: fromModel(namedDense, (artifact) => {
      manifestOf(artifact)[0]!.shape = [8, 4];
    }),
  },
  {
    name: 'a weight renamed in the manifest',
    outcome: refused('the manifest has no weight scores/bias; layer "scores" (Dense) needs [3]', 'refuses'),
    files: fromModel(namedDense, (artifact) => {
      manifestOf(artifact)[3]!.name = 'scores/offset';
    }),
  },
  {
    name: 'a manifest weight no layer creates',
    outcome: refused('weight extra/kernel in the manifest belongs to no layer of the model', 'refuses'),
    files: fromModel(namedDense, (artifact) => {
      manifestOf(artifact).push({ name: 'extra/kernel', shape: [1], dtype: 'float32' });
      const [path, bytes] = [...artifact.weightFiles][0]!;
      artifact.weightFiles.set(path, new Uint8Array([...bytes, 0, 0, 0, 0]));
    }),
  },
  {
    name: 'a layer weight stored as int32',
    outcome: refused('weight hidden/bias has dtype int32; layer weights are float32', 'refuses'),
    files: fromModel(namedDense, (artifact) => {
      manifestOf(artifact)[1]!.dtype = 'int32';
    }),
  },

  // ---- refused: models the registry does not serve, or cannot verify
  { name: 'two inputs', outcome: refused('the model has 2 inputs; exactly one is supported', 'refuses'), files: fromModel(twoInputModel) },
  { name: 'two outputs', outcome: refused('the model has 2 outputs; exactly one is supported', 'refuses'), files: fromModel(twoHeadedModel) },
  { name: 'a free last output dimension', outcome: refused("the model's output shape [null,4,null] has no fixed last dimension", 'refuses'), files: fromModel(freeLastDimension) },
  { name: 'a last Reshape to a free (-1) size', outcome: refused("the model's output shape [null,2,null] has no fixed last dimension", 'refuses'), files: fromModel(reshapedToFreeSize) },
  {
    name: 'a layer class nobody knows',
    outcome: refused(/^layer "scores" \(NoSuchLayer\): the registry cannot verify layers of class NoSuchLayer, so it refuses the model on every runtime \(supported: Dense, /, 'refuses'),
    files: fromModel(namedDense, (artifact) => {
      layersOf(artifact)[1]!.class_name = 'NoSuchLayer';
    }),
  },
  {
    name: 'a layer class tfjs knows but the registry cannot verify',
    outcome: refused(/^layer "layer_norm" \(LayerNormalization\): the registry cannot verify layers of class LayerNormalization/, 'accepts'),
    files: fromModel(withLayerNormalization),
  },
  {
    name: 'a layer that does not lead to the output',
    outcome: refused('layer "unused" does not lead to the model\'s output', 'accepts'),
    files: fromModel(smallFunctional, (artifact) => {
      layersOf(artifact).push({ class_name: 'Dense', name: 'unused', config: { name: 'unused', units: 2 }, inbound_nodes: [[['features', 0, 0, {}]]] } as never);
    }),
  },
  {
    name: 'a layer that reads its own output',
    outcome: refused('layer "scores" depends on itself'),
    files: fromModel(smallFunctional, (artifact) => {
      (layersOf(artifact)[1] as unknown as { inbound_nodes: unknown }).inbound_nodes = [[['scores', 0, 0, {}]]];
    }),
  },
  {
    name: 'a Sequential whose first layer has no input shape',
    outcome: refused('layer "hidden" (Dense): is the first layer of a Sequential model and has no batch_input_shape', 'refuses'),
    files: fromModel(namedDense, (artifact) => {
      delete layersOf(artifact)[0]!.config.batch_input_shape;
    }),
  },
  {
    name: 'a convolution window larger than its input',
    outcome: refused('layer "conv" (Conv2D): a window of 5 leaves no output from an input of size 3', 'refuses'),
    files: fromModel(tinyImageConv, (artifact) => {
      layersOf(artifact)[0]!.config.kernel_size = [5, 5];
      manifestOf(artifact)[0]!.shape = [5, 5, 1, 2];
      const [path, bytes] = [...artifact.weightFiles][0]!;
      artifact.weightFiles.set(path, new Uint8Array([...bytes, ...new Uint8Array((25 - 9) * 2 * 4)]));
    }),
  },
  { name: 'a shared layer', outcome: refused('layer "shared" (Dense): is applied more than once (a shared layer), which the registry cannot verify', 'accepts'), files: fromModel(sharedLayer) },
  {
    name: 'an activation tfjs does not know',
    outcome: refused('layer "hidden" (Dense): activation "sparkle" is not one TensorFlow.js knows', 'refuses'),
    files: fromModel(namedDense, (artifact) => {
      layersOf(artifact)[0]!.config.activation = 'sparkle';
    }),
  },
  {
    name: 'an initializer class tfjs does not know',
    outcome: refused('layer "hidden" (Dense): kernelInitializer "Sparkle" is not a initializer the registry can verify', 'refuses'),
    files: fromModel(namedDense, (artifact) => {
      layersOf(artifact)[0]!.config.kernel_initializer = { class_name: 'Sparkle', config: {} };
    }),
  },
  {
    name: 'a grouped convolution (groups, which tfjs ignores)',
    outcome: refused('layer "conv2d" (Conv2D): grouped convolution (groups > 1) is not supported by TensorFlow.js', 'accepts'),
    files: once(async () => {
      const files = pythonSequential();
      const modelJson = JSON.parse(new TextDecoder().decode(files.modelJson));
      modelJson.modelTopology.model_config.config.layers[1].config.groups = 2;
      return { ...files, modelJson: encodeJson(modelJson) };
    }),
  },
  {
    name: 'a weight listed twice in the manifest',
    // tfjs alone takes one of the two silently.
    outcome: refused('weight scores/bias is listed twice in the manifest', 'accepts'),
    files: fromModel(namedDense, (artifact) => {
      const weights = manifestOf(artifact);
      weights.push({ ...weights[3]! });
      const [path, bytes] = [...artifact.weightFiles][0]!;
      artifact.weightFiles.set(path, new Uint8Array([...bytes, ...new Uint8Array(12)]));
    }),
  },
  {
    name: 'a channels-first convolution',
    outcome: refused('layer "conv" (Conv2D): data_format channels_first is not supported; the registry verifies channels-last models only', 'accepts'),
    files: fromModel(smallConvChannelsFirst),
  },
];
