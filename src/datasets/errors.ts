// Typed errors for dataset files whose bytes do not match the declared format.
import { DistilleryError } from '../errors';

/** Thrown when dataset bytes are malformed; the message says exactly what is wrong. */
export class DatasetFormatError extends DistilleryError {
  readonly type: string = 'dataset-format';
  readonly status = 422;
}

/** Thrown when gzip data would inflate past the limit the caller set. */
export class DecompressedTooLargeError extends DatasetFormatError {
  override readonly type = 'dataset-too-large';
  constructor(readonly limitBytes: number) {
    super(`gzip data decompresses to more than ${limitBytes} bytes`, { limitBytes });
  }
}
