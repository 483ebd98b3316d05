// Typed errors for dataset files whose bytes do not match the declared format; each names the file role it concerns.
import { DistilleryError } from '../errors';

/**
 * Thrown when dataset bytes are malformed; the message says exactly what is wrong. `role` (also in
 * `details`) is the file it concerns (`train-labels`, `test`…) when the error came from a dataset's files.
 */
export class DatasetFormatError extends DistilleryError {
  readonly type: string = 'dataset-format';
  readonly status = 422;
  readonly role: string | undefined;

  constructor(message: string, details: Record<string, unknown> & { role?: string } = {}, options?: { cause?: unknown }) {
    super(message, details, options);
    this.role = details.role;
  }
}

/** Thrown when gzip data would inflate past the limit the caller set (for all of a dataset's files, when `role` is given). */
export class DecompressedTooLargeError extends DatasetFormatError {
  override readonly type = 'dataset-too-large';
  constructor(readonly limitBytes: number, role?: string) {
    super(
      role === undefined
        ? `gzip data decompresses to more than ${limitBytes} bytes`
        : `file "${role}" decompresses past ${limitBytes} bytes, the limit for all files together`,
      role === undefined ? { limitBytes } : { limitBytes, role },
    );
  }
}

/**
 * A label outside the dataset's classes: at or past the declared class count (`declaredClasses`), or,
 * when the count is inferred, the highest label with classes below it that no example has.
 */
export class LabelOutsideClassesError extends DatasetFormatError {
  constructor(
    message: string,
    readonly label: number,
    readonly declaredClasses: number | undefined,
    details: Record<string, unknown> & { role: string },
  ) {
    super(message, { ...details, label, ...(declaredClasses === undefined ? {} : { declaredClasses }) });
  }
}

/** A per-file parser's error again, its message and details naming the file `role` it was found in. */
export function inDatasetFile(error: DatasetFormatError, role: string): DatasetFormatError {
  return new DatasetFormatError(`file "${role}": ${error.message}`, { ...error.details, role }, { cause: error });
}
