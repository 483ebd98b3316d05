// Typed errors raised while choosing or running a tfjs backend, mapped to problem+json like the registry's.
import { DistilleryError } from '../../errors';

/** Which tfjs backends Distillery knows how to start. */
export type BackendName = 'tensorflow' | 'wasm+onednn' | 'wasm' | 'cpu';

/**
 * An explicitly requested backend could not be started (package missing, native library
 * mismatch, wasm binary not found): the node cannot serve that backend.
 */
export class BackendUnavailableError extends DistilleryError {
  readonly type = 'backend-unavailable';
  readonly status = 503;

  constructor(
    readonly backend: BackendName,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`The '${backend}' tfjs backend is unavailable: ${reason}`, { backend, reason });
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** A backend preference that is not one of auto|tensorflow|onednn|wasm|cpu (e.g. a typo in DISTILLERY_BACKEND). */
export class InvalidBackendPreferenceError extends DistilleryError {
  readonly type = 'invalid-backend-preference';
  readonly status = 400;

  constructor(readonly value: string) {
    super(`Unknown tfjs backend preference '${value}': expected auto, tensorflow, onednn, wasm or cpu`, { value });
  }
}

/** A convolution gradient was asked for a configuration the project's wasm kernels do not implement. */
export class UnsupportedConvolutionError extends DistilleryError {
  readonly type = 'unsupported-convolution';
  readonly status = 422;

  constructor(
    readonly kernelName: string,
    reason: string,
  ) {
    super(`${kernelName} on the wasm backend: ${reason}`, { kernelName });
  }
}

/** DISTILLERY_THREADS that is not a positive integer. */
export class InvalidThreadCountError extends DistilleryError {
  readonly type = 'invalid-thread-count';
  readonly status = 400;

  constructor(readonly value: string) {
    super(`DISTILLERY_THREADS must be a positive integer, not '${value}'`, { value });
  }
}
