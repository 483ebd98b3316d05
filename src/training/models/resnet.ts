// ResNet-18 in torchvision's layout (ImageNet stem) and its CIFAR variant (3x3 stride-1 stem, no max-pool).

import * as tf from '@tensorflow/tfjs';
import { LayerSeeds, torchDense } from './initializers';
import type { ModelOptions } from './options';

type Tensor = tf.SymbolicTensor;

const STAGE_FILTERS = [64, 128, 256, 512] as const;
const STAGE_STRIDES = [1, 2, 2, 2] as const;

/** torch BatchNorm2d defaults: eps 1e-5, momentum 0.1 (tfjs counts momentum the other way: 0.9). */
function batchNorm(name: string, x: Tensor): Tensor {
  return tf.layers.batchNormalization({ name, axis: -1, epsilon: 1e-5, momentum: 0.9 }).apply(x) as Tensor;
}

/**
 * Conv without bias, padded symmetrically like torch. At stride 1 with padding (k-1)/2 that is
 * exactly tfjs 'same', which also spares the backward pass a gradient over the padded map (measured
 * ~10 % of a wasm ResNet training step). Otherwise explicit zero padding + 'valid', because tfjs
 * 'same' with stride 2 pads only the bottom/right.
 */
function conv(
  seeds: LayerSeeds,
  x: Tensor,
  args: { name: string; filters: number; kernelSize: number; strides: number; padding: number },
): Tensor {
  const sameIsSymmetric = args.strides === 1 && args.padding * 2 === args.kernelSize - 1;
  const padded =
    args.padding > 0 && !sameIsSymmetric
      ? (tf.layers.zeroPadding2d({ name: `${args.name}.pad`, padding: args.padding }).apply(x) as Tensor)
      : x;
  return tf.layers
    .conv2d({
      name: args.name,
      filters: args.filters,
      kernelSize: args.kernelSize,
      strides: args.strides,
      padding: sameIsSymmetric ? 'same' : 'valid',
      useBias: false,
      kernelInitializer: seeds.kaimingNormalFanOut(args.kernelSize, args.filters),
    })
    .apply(padded) as Tensor;
}

const relu = (name: string, x: Tensor): Tensor => tf.layers.reLU({ name }).apply(x) as Tensor;

/** torchvision BasicBlock: conv3x3-BN-ReLU-conv3x3-BN, plus identity or 1x1 conv+BN downsample, ReLU. */
function basicBlock(seeds: LayerSeeds, x: Tensor, name: string, filters: number, strides: number): Tensor {
  const inChannels = x.shape[x.shape.length - 1];
  let out = conv(seeds, x, { name: `${name}.conv1`, filters, kernelSize: 3, strides, padding: 1 });
  out = relu(`${name}.relu1`, batchNorm(`${name}.bn1`, out));
  out = conv(seeds, out, { name: `${name}.conv2`, filters, kernelSize: 3, strides: 1, padding: 1 });
  out = batchNorm(`${name}.bn2`, out);
  let shortcut = x;
  if (strides !== 1 || inChannels !== filters) {
    shortcut = conv(seeds, x, { name: `${name}.downsample.0`, filters, kernelSize: 1, strides, padding: 0 });
    shortcut = batchNorm(`${name}.downsample.1`, shortcut);
  }
  const sum = tf.layers.add({ name: `${name}.add` }).apply([out, shortcut]) as Tensor;
  return relu(`${name}.relu2`, sum);
}

function resnet18(options: ModelOptions, stem: 'imagenet' | 'cifar', name: string): tf.LayersModel {
  const seeds = new LayerSeeds(options.seed);
  const input = tf.input({ shape: options.inputShape, name: 'input' });
  let x =
    stem === 'imagenet'
      ? conv(seeds, input, { name: 'conv1', filters: 64, kernelSize: 7, strides: 2, padding: 3 })
      : conv(seeds, input, { name: 'conv1', filters: 64, kernelSize: 3, strides: 1, padding: 1 });
  x = relu('relu', batchNorm('bn1', x));
  if (stem === 'imagenet') {
    // Zero padding equals torch's -inf padding here: the input is post-ReLU, so never below 0.
    x = tf.layers.zeroPadding2d({ name: 'maxpool.pad', padding: 1 }).apply(x) as Tensor;
    x = tf.layers.maxPooling2d({ name: 'maxpool', poolSize: 3, strides: 2, padding: 'valid' }).apply(x) as Tensor;
  }
  STAGE_FILTERS.forEach((filters, stage) => {
    for (let block = 0; block < 2; block++) {
      const strides = block === 0 ? STAGE_STRIDES[stage] : 1;
      x = basicBlock(seeds, x, `layer${stage + 1}.${block}`, filters, strides ?? 1);
    }
  });
  x = tf.layers.globalAveragePooling2d({ name: 'avgpool' }).apply(x) as Tensor;
  const logits = torchDense(seeds, { name: 'fc', inputUnits: 512, units: options.numClasses }).apply(x) as Tensor;
  return tf.model({ inputs: input, outputs: logits, name });
}

/** torchvision resnet18: 7x7/2 stem, 3x3/2 max-pool, 4 stages of 2 BasicBlocks, global average pool, fc. */
export const buildResNet18 = (options: ModelOptions): tf.LayersModel => resnet18(options, 'imagenet', 'resnet18');

/** CIFAR ResNet-18: 3x3 stride-1 stem and no max-pool, otherwise identical. */
export const buildResNet18Cifar = (options: ModelOptions): tf.LayersModel =>
  resnet18(options, 'cifar', 'resnet18-cifar');
