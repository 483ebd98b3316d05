// Typed error for dataset files whose bytes do not match the declared format.

/** Thrown when dataset bytes are malformed; the message says exactly what is wrong. */
export class DatasetFormatError extends Error {
  override readonly name = 'DatasetFormatError';
  constructor(message: string) {
    super(message);
  }
}
