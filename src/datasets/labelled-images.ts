// The in-memory labelled image set every dataset format is parsed into.

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
