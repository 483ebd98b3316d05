// Architecture catalogue: build any supported model by name (names and facts in ../spec/architectures); every model outputs logits (no softmax).

import type * as tf from '@tensorflow/tfjs';
import type { Architecture } from '../spec/architectures';
import type { ModelOptions } from './options';
import { buildResNet18, buildResNet18Cifar } from './resnet';
import { buildCnnSmall, buildMlp } from './small';

export type { ModelOptions } from './options';
export { ARCHITECTURE_NAMES, ARCHITECTURES, type Architecture, type ArchitectureInfo } from '../spec/architectures';

const BUILDERS: Record<Architecture, (options: ModelOptions) => tf.LayersModel> = {
  resnet18: buildResNet18,
  'resnet18-cifar': buildResNet18Cifar,
  'cnn-small': buildCnnSmall,
  mlp: buildMlp,
};

/** Builds an untrained model whose initial weights are fixed by options.seed. */
export function buildModel(architecture: Architecture, options: ModelOptions): tf.LayersModel {
  return BUILDERS[architecture](options);
}

/** Number of trainable parameters (BatchNorm running statistics are buffers, not parameters). */
export function countTrainableParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
}
