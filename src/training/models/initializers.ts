// Seeded initialisers matching PyTorch defaults, one distinct seed per layer derived from the model seed.

import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random';

type Initializer = ReturnType<typeof tf.initializers.zeros>;

/** Hands out a fresh seed for every initialiser, in build order, so one model seed fixes all weights. */
export class LayerSeeds {
  private next = 0;
  constructor(private readonly modelSeed: number) {}

  take(): number {
    return deriveSeed(this.modelSeed, this.next++);
  }

  /**
   * PyTorch's default for Conv2d/Linear weights (kaiming_uniform with a=sqrt(5)) and biases:
   * U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
   */
  torchDefault(fanIn: number): Initializer {
    const limit = 1 / Math.sqrt(fanIn);
    return tf.initializers.randomUniform({ minval: -limit, maxval: limit, seed: this.take() });
  }

  /** torchvision ResNet conv init: kaiming_normal_(mode='fan_out', nonlinearity='relu'). */
  kaimingNormalFanOut(kernelSize: number, filters: number): Initializer {
    const stddev = Math.sqrt(2 / (kernelSize * kernelSize * filters));
    return tf.initializers.randomNormal({ mean: 0, stddev, seed: this.take() });
  }
}

/** Dense layer with PyTorch's default Linear initialisation. */
export function torchDense(
  seeds: LayerSeeds,
  args: { name: string; inputUnits: number; units: number; activation?: 'relu' },
): tf.layers.Layer {
  return tf.layers.dense({
    name: args.name,
    units: args.units,
    activation: args.activation,
    kernelInitializer: seeds.torchDefault(args.inputUnits),
    biasInitializer: seeds.torchDefault(args.inputUnits),
  });
}
