// Typed errors for dataset files whose bytes do not match the declared format.

/** Thrown when dataset bytes are malformed; the message says exactly what is wrong. */
export class DatasetFormatError extends Error {
  override readonly name: string = 'DatasetFormatError';
  constructor(message: string) {
    super(message);
  }
}

/** Thrown when gzip data would inflate past the limit the caller set. */
export class DecompressedTooLargeError extends DatasetFormatError {
  override readonly name = 'DecompressedTooLargeError';
  constructor(readonly limitBytes: number) {
    super(`gzip data decompresses to more than ${limitBytes} bytes`);
  }
}
