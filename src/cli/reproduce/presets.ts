// The reproduction presets: which data, architecture and training budget each one runs the reference protocol with.
import type { Architecture } from '../../training/spec';

/** Where a preset's training data comes from. */
export type DatasetSource =
  /** The server's built-in copy (`POST /v1/datasets/builtin`). */
  | { kind: 'builtin'; builtin: 'fashion-mnist' | 'mnist' }
  /** Evenly spaced images of a built-in set, uploaded as IDX files: every class, a few hundred images. */
  | { kind: 'builtin-subset'; builtin: 'fashion-mnist' | 'mnist'; train: number; test: number }
  /** The CIFAR-10 binary batches (`data_batch_{1..5}.bin`, `test_batch.bin`) in `--data-dir`, uploaded. */
  | { kind: 'cifar10-dir' };

export interface Preset {
  name: string;
  description: string;
  dataset: DatasetSource;
  architecture: Architecture;
  /** Hyperparameters of every train and distill run; anything absent takes the reference protocol's default. */
  hyperparameters: { epochs: number; batchSize: number; optimizer: { name: 'adam'; learningRate: number } };
}

const ADAM = { name: 'adam', learningRate: 1e-3 } as const;

const FASHION_CNN: Preset = {
  name: 'fashion-cnn',
  description: 'Fashion-MNIST (built-in split, 90/10 train/validation, split seed 42), cnn-small, Adam 1e-3, batch 128, 5 epochs',
  dataset: { kind: 'builtin', builtin: 'fashion-mnist' },
  architecture: 'cnn-small',
  hyperparameters: { epochs: 5, batchSize: 128, optimizer: ADAM },
};

export const PRESETS: Record<string, Preset> = {
  tiny: {
    name: 'tiny',
    description: 'a smoke test of the whole protocol: 500 Fashion-MNIST images, mlp, 1 epoch (runs in npm test)',
    dataset: { kind: 'builtin-subset', builtin: 'fashion-mnist', train: 500, test: 200 },
    architecture: 'mlp',
    hyperparameters: { epochs: 1, batchSize: 128, optimizer: ADAM },
  },
  'fashion-cnn': FASHION_CNN,
  'fashion-cnn-long': {
    ...FASHION_CNN,
    name: 'fashion-cnn-long',
    description: 'as fashion-cnn with 20 epochs, where self-distillation has room to show',
    hyperparameters: { ...FASHION_CNN.hyperparameters, epochs: 20 },
  },
  'cifar10-resnet18': {
    name: 'cifar10-resnet18',
    description: "the reference itself: ResNet-18 (torchvision layout) on CIFAR-10 from --data-dir, Adam 1e-3, batch 128, 100 epochs",
    dataset: { kind: 'cifar10-dir' },
    architecture: 'resnet18',
    hyperparameters: { epochs: 100, batchSize: 128, optimizer: ADAM },
  },
};

export const PRESET_NAMES = Object.keys(PRESETS);
