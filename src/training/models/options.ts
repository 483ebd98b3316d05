// Options every architecture builder takes.

export interface ModelOptions {
  /** [height, width, channels], channels-last. */
  inputShape: [number, number, number];
  numClasses: number;
  /** Fixes every initial weight: same seed, same weights. */
  seed: number;
}
