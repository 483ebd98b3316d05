// The architecture catalogue's names and facts, without the builders (so run specs validate without tfjs).

export const ARCHITECTURE_NAMES = ['resnet18', 'resnet18-cifar', 'cnn-small', 'mlp'] as const;
export type Architecture = (typeof ARCHITECTURE_NAMES)[number];

export interface ArchitectureInfo {
  name: Architecture;
  description: string;
  /** Smallest input side that survives the downsampling. */
  minInputSide: number;
}

export const ARCHITECTURES: Record<Architecture, ArchitectureInfo> = {
  resnet18: {
    name: 'resnet18',
    description: 'ResNet-18, torchvision layout: 7x7/2 stem, max-pool, 4x2 BasicBlocks, global average pool',
    minInputSide: 1,
  },
  'resnet18-cifar': {
    name: 'resnet18-cifar',
    description: 'ResNet-18 with a 3x3 stride-1 stem and no max-pool (for 32x32 images)',
    minInputSide: 1,
  },
  'cnn-small': {
    name: 'cnn-small',
    description: 'conv3x3(32)-ReLU-maxpool2, conv3x3(64)-ReLU-maxpool2, dense 128 ReLU, dense classes',
    minInputSide: 4,
  },
  mlp: {
    name: 'mlp',
    description: 'flatten, dense 256 ReLU, dense 128 ReLU, dense classes',
    minInputSide: 1,
  },
};
