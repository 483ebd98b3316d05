// Seeded augmentation on raw bytes: random crop with zero padding and horizontal flip (torchvision order).

import type { Random } from '../random';
import { randomInt } from '../random';

export const CROP_PADDING = 4;

/** One image's random choices; drawn before the pixels are copied. */
export interface CropFlip {
  dy: number;
  dx: number;
  flip: boolean;
}

/** Draws a crop offset in [-padding, padding] per axis and a coin flip, like RandomCrop(pad=4) + RandomHorizontalFlip. */
export function drawCropFlip(random: Random, padding = CROP_PADDING): CropFlip {
  const dy = randomInt(random, 2 * padding + 1) - padding;
  const dx = randomInt(random, 2 * padding + 1) - padding;
  return { dy, dx, flip: random() < 0.5 };
}

/**
 * Copies one HWC image from src (starting at srcOffset) shifted by (dy, dx) and optionally mirrored; pixels that
 * fall outside the source are 0 (padding happens before normalisation, as in torchvision).
 */
export function cropFlipInto(
  out: Uint8Array,
  src: Uint8Array,
  srcOffset: number,
  shape: { height: number; width: number; channels: number },
  { dy, dx, flip }: CropFlip,
): void {
  const { height, width, channels } = shape;
  for (let y = 0; y < height; y++) {
    const sy = y + dy;
    for (let x = 0; x < width; x++) {
      const sx = (flip ? width - 1 - x : x) + dx;
      const o = (y * width + x) * channels;
      const inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
      const s = srcOffset + (sy * width + sx) * channels;
      for (let c = 0; c < channels; c++) out[o + c] = inside ? (src[s + c] ?? 0) : 0;
    }
  }
}
