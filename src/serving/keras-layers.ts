// The layer classes the registry can verify without tensors: for each, its output shape and the weights it needs, as tfjs builds them.
import type { LayerConfig, Shape } from './keras-config';

/** A weight a layer creates, named relative to the layer (`kernel`, `moving_mean`). */
export interface LayerWeight {
  name: string;
  shape: number[];
  /** False for BatchNorm's running statistics, which training never updates by gradient. */
  trainable: boolean;
}

export interface LayerOutcome {
  output: Shape;
  weights: LayerWeight[];
}

type LayerRule = (layer: LayerConfig, inputs: Shape[]) => LayerOutcome;

const trainable = (name: string, shape: number[]): LayerWeight => ({ name, shape, trainable: true });

function onlyInput(layer: LayerConfig, inputs: Shape[]): Shape {
  if (inputs.length !== 1) throw layer.problem(`takes one input, not ${inputs.length}`);
  return inputs[0]!;
}

function inputOfRank(layer: LayerConfig, inputs: Shape[], rank: number): Shape {
  const input = onlyInput(layer, inputs);
  if (input.length !== rank) throw layer.problem(`needs an input of rank ${rank} (batch included), not ${JSON.stringify(input)}`);
  return input;
}

/** The size of a dimension a layer needs to know to size its weights. */
function knownDimension(layer: LayerConfig, input: Shape, axis: number): number {
  const size = input[axis];
  if (size === null || size === undefined) throw layer.problem(`needs a fixed size on axis ${axis} of its input ${JSON.stringify(input)}`);
  return size;
}

/** tfjs's convOutputLength, refusing sizes that leave nothing. */
function windowOutput(layer: LayerConfig, size: number | null, window: number, padding: 'same' | 'valid', stride: number, dilation = 1): number | null {
  if (size === null) return null;
  const span = window + (window - 1) * (dilation - 1);
  const length = Math.floor(((padding === 'same' ? size : size - span + 1) + stride - 1) / stride);
  if (length <= 0) throw layer.problem(`a window of ${span} leaves no output from an input of size ${size}`);
  return length;
}

/** The spatial part of a channels-last 2-D convolution or pooling: [batch, height, width] of the output. */
function slide(layer: LayerConfig, input: Shape, window: [number, number], strides: [number, number], dilation: [number, number] = [1, 1]): Shape {
  const padding = layer.padding();
  return [
    input[0]!,
    windowOutput(layer, input[1]!, window[0], padding, strides[0], dilation[0]),
    windowOutput(layer, input[2]!, window[1], padding, strides[1], dilation[1]),
  ];
}

/** Kernel size, strides and dilation of a 2-D convolution, refusing combinations tfjs cannot run. */
function convolution(layer: LayerConfig, inputs: Shape[]): { input: Shape; channels: number; kernel: [number, number]; spatial: Shape } {
  layer.requireChannelsLast();
  const input = inputOfRank(layer, inputs, 4);
  const kernel = layer.pair('kernelSize');
  const strides = layer.pair('strides', 1);
  const dilation = layer.pair('dilationRate', 1);
  if (Math.max(...strides) > 1 && Math.max(...dilation) > 1) throw layer.problem('strides and dilation_rate cannot both exceed 1');
  // Python Keras writes `groups`; tfjs ignores it, so a grouped convolution would load as another model.
  if (layer.has('groups') && layer.positiveInteger('groups') !== 1) throw layer.problem('grouped convolution (groups > 1) is not supported by TensorFlow.js');
  return { input, channels: knownDimension(layer, input, 3), kernel, spatial: slide(layer, input, kernel, strides, dilation) };
}

const withBias = (layer: LayerConfig, weights: LayerWeight[], units: number): LayerWeight[] =>
  layer.boolean('useBias', true) ? [...weights, trainable('bias', [units])] : weights;

function pooling2d(layer: LayerConfig, inputs: Shape[]): LayerOutcome {
  layer.requireChannelsLast();
  const input = inputOfRank(layer, inputs, 4);
  const window = layer.pair('poolSize', 2);
  const strides = layer.has('strides') ? layer.pair('strides') : window;
  return { output: [...slide(layer, input, window, strides), input[3]!], weights: [] };
}

function globalPooling2d(layer: LayerConfig, inputs: Shape[]): LayerOutcome {
  layer.requireChannelsLast();
  const input = inputOfRank(layer, inputs, 4);
  if (layer.has('keepdims') && layer.boolean('keepdims', false)) throw layer.problem('keepdims is not supported');
  return { output: [input[0]!, input[3]!], weights: [] };
}

/** Shape-preserving layers without weights; their options are checked by LayerConfig.checkCommonOptions. */
const elementwise: LayerRule = (layer, inputs) => ({ output: onlyInput(layer, inputs), weights: [] });

/** Add and the like: every input must have the same shape (tfjs's broadcasting of merges is not relied on). */
const sameShapeMerge: LayerRule = (layer, inputs) => {
  if (inputs.length < 2) throw layer.problem(`merges at least 2 inputs, not ${inputs.length}`);
  const [first] = inputs as [Shape];
  if (inputs.some((shape) => JSON.stringify(shape) !== JSON.stringify(first))) {
    throw layer.problem(`needs inputs of one shape, not ${inputs.map((shape) => JSON.stringify(shape)).join(' and ')}`);
  }
  return { output: first, weights: [] };
};

function zeroPadding(layer: LayerConfig): [[number, number], [number, number]] {
  const padding = layer.has('padding') ? layer.raw('padding') : 1;
  const amount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;
  if (amount(padding)) return [[padding, padding], [padding, padding]];
  if (Array.isArray(padding) && padding.length === 2) {
    const [rows, columns] = padding as [unknown, unknown];
    if (amount(rows) && amount(columns)) return [[rows, rows], [columns, columns]];
    if (padding.every((side) => Array.isArray(side) && side.length === 2 && side.every(amount))) {
      return padding as [[number, number], [number, number]];
    }
  }
  throw layer.problem(`padding must be an integer, a pair, or a pair of pairs of non-negative integers, not ${JSON.stringify(padding)}`);
}

/** tfjs takes null or any negative size in a Reshape target for "whatever is left" (and saves it as null). */
const isFree = (size: unknown): boolean => size === null || (Number.isInteger(size) && (size as number) < 0);
const isSizeOrFree = (size: unknown): boolean => isFree(size) || (Number.isInteger(size) && (size as number) > 0);

const grow = (size: number | null, by: [number, number]): number | null => (size === null ? null : size + by[0] + by[1]);

/** Every layer class the inspector knows, by Keras class name. */
export const LAYER_RULES: Record<string, LayerRule> = {
  Dense(layer, inputs) {
    const input = onlyInput(layer, inputs);
    if (input.length < 2) throw layer.problem(`needs an input of rank 2 or more, not ${JSON.stringify(input)}`);
    const units = layer.positiveInteger('units');
    const inputUnits = knownDimension(layer, input, input.length - 1);
    return { output: [...input.slice(0, -1), units], weights: withBias(layer, [trainable('kernel', [inputUnits, units])], units) };
  },

  Conv2D(layer, inputs) {
    const { channels, kernel, spatial } = convolution(layer, inputs);
    const filters = layer.positiveInteger('filters');
    return { output: [...spatial, filters], weights: withBias(layer, [trainable('kernel', [...kernel, channels, filters])], filters) };
  },

  DepthwiseConv2D(layer, inputs) {
    const { channels, kernel, spatial } = convolution(layer, inputs);
    const multiplier = layer.positiveInteger('depthMultiplier', 1);
    const outputChannels = channels * multiplier;
    return {
      output: [...spatial, outputChannels],
      weights: withBias(layer, [trainable('depthwise_kernel', [...kernel, channels, multiplier])], outputChannels),
    };
  },

  SeparableConv2D(layer, inputs) {
    if (['kernelInitializer', 'kernelRegularizer', 'kernelConstraint'].some((key) => layer.has(key))) {
      throw layer.problem('takes depthwise_* and pointwise_* options, not kernel_* ones (tfjs refuses them)');
    }
    const { channels, kernel, spatial } = convolution(layer, inputs);
    const multiplier = layer.positiveInteger('depthMultiplier', 1);
    const filters = layer.positiveInteger('filters');
    const weights = [trainable('depthwise_kernel', [...kernel, channels, multiplier]), trainable('pointwise_kernel', [1, 1, channels * multiplier, filters])];
    return { output: [...spatial, filters], weights: withBias(layer, weights, filters) };
  },

  MaxPooling2D: pooling2d,
  AveragePooling2D: pooling2d,
  GlobalAveragePooling2D: globalPooling2d,
  GlobalMaxPooling2D: globalPooling2d,

  Flatten(layer, inputs) {
    const input = onlyInput(layer, inputs);
    if (input.length < 3) throw layer.problem(`needs an input of rank 3 or more, not ${JSON.stringify(input)}`);
    const rest = input.slice(1);
    if (rest.some((size) => size === null)) throw layer.problem(`needs a fully defined input shape, not ${JSON.stringify(input)}`);
    return { output: [input[0]!, (rest as number[]).reduce((n, size) => n * size, 1)], weights: [] };
  },

  Reshape(layer, inputs) {
    const input = onlyInput(layer, inputs);
    const target = layer.raw('targetShape');
    if (!Array.isArray(target) || !target.every(isSizeOrFree) || target.filter(isFree).length > 1) {
      throw layer.problem(`target_shape must list positive sizes and at most one free one (-1 or null), not ${JSON.stringify(target)}`);
    }
    const rest = input.slice(1);
    if (rest.some((size) => size === null)) throw layer.problem(`needs a fully defined input shape, not ${JSON.stringify(input)}`);
    const total = (rest as number[]).reduce((n, size) => n * size, 1);
    const known = (target as number[]).filter((size) => !isFree(size)).reduce((n, size) => n * size, 1);
    if (target.some(isFree) ? total % known !== 0 : total !== known) throw layer.problem(`cannot reshape ${JSON.stringify(input)} to ${JSON.stringify(target)}`);
    // tfjs leaves the free size unresolved in the shape it infers (its batch dimension is always
    // free), so the size is known only when predicting: a free dimension here too, as tfjs sees it.
    return { output: [input[0]!, ...(target as (number | null)[]).map((size) => (isFree(size) ? null : size))], weights: [] };
  },

  Dropout: elementwise,
  Activation(layer, inputs) {
    if (!layer.has('activation')) throw layer.problem('needs an activation');
    return elementwise(layer, inputs);
  },
  ReLU: elementwise,
  LeakyReLU: elementwise,
  Softmax: elementwise,

  BatchNormalization(layer, inputs) {
    const input = onlyInput(layer, inputs);
    // tfjs batch-normalizes only tensors of rank 2 to 4 when it predicts.
    if (input.length < 2 || input.length > 4) throw layer.problem(`needs an input of rank 2 to 4, not ${JSON.stringify(input)}`);
    const given = layer.integer('axis', -1);
    const axis = given < 0 ? given + input.length : given;
    if (axis < 1 || axis >= input.length) throw layer.problem(`axis ${given} is outside the input ${JSON.stringify(input)}`);
    const size = knownDimension(layer, input, axis);
    const weights = [
      ...(layer.boolean('scale', true) ? [trainable('gamma', [size])] : []),
      ...(layer.boolean('center', true) ? [trainable('beta', [size])] : []),
      { name: 'moving_mean', shape: [size], trainable: false },
      { name: 'moving_variance', shape: [size], trainable: false },
    ];
    return { output: input, weights };
  },

  Add: sameShapeMerge,

  Concatenate(layer, inputs) {
    if (inputs.length < 2) throw layer.problem(`merges at least 2 inputs, not ${inputs.length}`);
    const rank = inputs[0]!.length;
    const given = layer.integer('axis', -1);
    const axis = given < 0 ? given + rank : given;
    if (axis < 1 || axis >= rank) throw layer.problem(`axis ${given} is outside its inputs of rank ${rank}`);
    const others = (shape: Shape) => JSON.stringify(shape.filter((_, i) => i !== axis));
    if (inputs.some((shape) => shape.length !== rank || others(shape) !== others(inputs[0]!))) {
      throw layer.problem(`needs inputs that differ only on axis ${axis}, not ${inputs.map((shape) => JSON.stringify(shape)).join(' and ')}`);
    }
    const sizes = inputs.map((shape) => shape[axis] ?? null);
    const joined = sizes.some((size) => size === null) ? null : (sizes as number[]).reduce((n, size) => n + size, 0);
    return { output: inputs[0]!.map((size, i) => (i === axis ? joined : size)), weights: [] };
  },

  ZeroPadding2D(layer, inputs) {
    layer.requireChannelsLast();
    const input = inputOfRank(layer, inputs, 4);
    const [rows, columns] = zeroPadding(layer);
    return { output: [input[0]!, grow(input[1]!, rows), grow(input[2]!, columns), input[3]!], weights: [] };
  },
};
