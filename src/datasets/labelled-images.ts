// The in-memory labelled image set every dataset format is parsed into.

import { DatasetFormatError } from './errors';

/** Images stored HWC, one byte per channel value, image after image; one label per image. */
export interface LabelledImages {
  count: number;
  height: number;
  width: number;
  channels: number;
  /** count * height * width * channels bytes, HWC per image. */
  pixels: Uint8Array;
  /** count bytes, each < numClasses. */
  labels: Uint8Array;
  numClasses: number;
}

export interface DatasetSummary {
  count: number;
  shape: [height: number, width: number, channels: number];
  numClasses: number;
  /** countsPerClass[c] = number of images labelled c. */
  countsPerClass: number[];
}

/** Counts per class and shape, for the registry's dataset metadata. */
export function summarise(set: LabelledImages): DatasetSummary {
  const countsPerClass = new Array<number>(set.numClasses).fill(0);
  for (const label of set.labels) countsPerClass[label] = (countsPerClass[label] ?? 0) + 1;
  return {
    count: set.count,
    shape: [set.height, set.width, set.channels],
    numClasses: set.numClasses,
    countsPerClass,
  };
}

/** Checks sizes agree and every label is < numClasses; throws DatasetFormatError otherwise. */
export function assertConsistent(set: LabelledImages): void {
  const imageSize = set.height * set.width * set.channels;
  if (set.pixels.length !== set.count * imageSize) {
    throw new DatasetFormatError(
      `pixels hold ${set.pixels.length} bytes but ${set.count} images of ${set.height}x${set.width}x${set.channels} need ${set.count * imageSize}`,
    );
  }
  if (set.labels.length !== set.count) {
    throw new DatasetFormatError(`labels file has ${set.labels.length} items but images file has ${set.count}`);
  }
  const index = set.labels.findIndex((label) => label >= set.numClasses);
  if (index >= 0) {
    throw new DatasetFormatError(
      `label ${set.labels[index]} at index ${index} is out of range (0..${set.numClasses - 1})`,
    );
  }
}

/** Number of classes implied by the labels: max label + 1 (at least 1). */
export function inferNumClasses(labels: Uint8Array): number {
  let max = 0;
  for (const label of labels) if (label > max) max = label;
  return max + 1;
}
