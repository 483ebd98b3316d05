// Per-channel input normalisation (x/255 - mean)/std, applied in JS while a batch is assembled.

import { IncompatibleDataError } from '../errors';
import type { Normalization } from '../spec/data';

/** A byte -> float lookup table per channel; one-element mean/std apply to every channel. */
export function normalizationTables(normalization: Normalization, channels: number): Float32Array[] {
  const pick = (values: number[], c: number, what: string): number => {
    const value = values.length === 1 ? values[0] : values[c];
    if (value === undefined || values.length !== 1 && values.length !== channels) {
      throw new IncompatibleDataError(`normalization ${what} has ${values.length} values, expected 1 or ${channels}`);
    }
    return value;
  };
  return Array.from({ length: channels }, (_, c) => {
    const mean = pick(normalization.mean, c, 'mean');
    const std = pick(normalization.std, c, 'std');
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) table[v] = (v / 255 - mean) / std;
    return table;
  });
}
