// Run specs: defaults are the reference protocol, invalid specs name their fields.

import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../../src/training/errors';
import { parseDistillSpec, parseTrainSpec } from '../../src/training/spec';

describe('run specs', () => {
  it('default to the reference protocol', () => {
    const spec = parseTrainSpec({ architecture: 'resnet18' });
    expect(spec).toMatchObject({
      batchSize: 128,
      optimizer: { name: 'adam', learningRate: 1e-3, weightDecay: 0 },
      lrSchedule: { name: 'constant' },
      augmentation: false,
      normalization: { mean: [0.5], std: [0.5] },
      validationFraction: 0.1,
      splitSeed: 42,
    });
    expect(parseTrainSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
    expect(parseDistillSpec({ architecture: 'resnet18' })).toMatchObject({
      temperature: 1,
      alpha: 0,
      aggregation: 'mean-probabilities',
    });
  });

  it('names the offending fields', () => {
    try {
      parseDistillSpec({ architecture: 'resnet18', optimizer: { learningRate: 0 }, alpha: 2 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidSpecError);
      const paths = (error as InvalidSpecError).issues.map((i) => i.path);
      expect(paths).toEqual(expect.arrayContaining(['optimizer.learningRate', 'alpha']));
    }
    expect(() => parseTrainSpec({})).toThrow(/architecture/);
  });

  it('refuses unknown settings at every depth, each named by its own path', () => {
    try {
      parseDistillSpec({ architecture: 'mlp', temprature: 2, optimizer: { lr: 0.1 }, lrSchedule: { name: 'step', stepSize: 1, gama: 0.5 } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidSpecError);
      const paths = (error as InvalidSpecError).issues.map((i) => i.path);
      expect(paths.sort()).toEqual(['lrSchedule.gama', 'optimizer.lr', 'temprature']);
    }
    expect(() => parseTrainSpec({ architecture: 'mlp', temperature: 4 })).toThrow(InvalidSpecError);
  });
});
