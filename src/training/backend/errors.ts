// Typed errors raised while choosing or running a tfjs backend.

/** Which tfjs backends Distillery knows how to start. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/**
 * An explicitly requested backend could not be started (package missing, native library
 * mismatch, wasm binary not found). Maps to HTTP 503: the node cannot serve that backend.
 */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
  readonly type = 'https://distillery.dev/problems/backend-unavailable';
  readonly status = 503;

  constructor(
    readonly backend: BackendName,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`The '${backend}' tfjs backend is unavailable: ${reason}`, options);
  }
}

/** A backend preference that is not one of auto|tensorflow|wasm|cpu (e.g. a typo in DISTILLERY_BACKEND). */
export class InvalidBackendPreferenceError extends Error {
  override readonly name = 'InvalidBackendPreferenceError';
  readonly type = 'https://distillery.dev/problems/invalid-backend-preference';
  readonly status = 400;

  constructor(readonly value: string) {
    super(`Unknown tfjs backend preference '${value}': expected auto, tensorflow, wasm or cpu`);
  }
}

/** A convolution gradient was asked for a configuration the project's wasm kernels do not implement. */
export class UnsupportedConvolutionError extends Error {
  override readonly name = 'UnsupportedConvolutionError';
  readonly type = 'https://distillery.dev/problems/unsupported-convolution';
  readonly status = 422;

  constructor(readonly kernelName: string, reason: string) {
    super(`${kernelName} on the wasm backend: ${reason}`);
  }
}
