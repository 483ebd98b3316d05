// Runs a backend's own registered kernels from inside another kernel and frees the intermediates.
import * as tf from '@tensorflow/tfjs';

/**
 * Composite kernels call the backend's kernels directly (not through tf ops), so nothing is
 * recorded on the gradient tape and no engine bookkeeping is paid per call; every tensor made
 * through the scope is an intermediate, released when the composite returns or throws.
 */
export class KernelScope {
  private readonly intermediates: tf.TensorInfo[] = [];

  constructor(
    readonly backend: tf.KernelBackend,
    private readonly backendName: string,
  ) {}

  /** Runs the kernel currently registered under `kernelName` for this backend. */
  run(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): tf.TensorInfo {
    const kernel = tf.getKernel(kernelName, this.backendName);
    if (kernel === undefined) {
      throw new Error(`Kernel '${kernelName}' is not registered for backend '${this.backendName}'`);
    }
    return this.call(kernel.kernelFunc, inputs, attrs);
  }

  /** Runs a given kernel function, e.g. the package's own kernel that a project kernel wraps. */
  call(kernelFunc: tf.KernelFunc, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): tf.TensorInfo {
    const out = kernelFunc({ inputs, attrs, backend: this.backend });
    if (Array.isArray(out)) throw new Error('A composite kernel step returned several tensors');
    this.intermediates.push(out);
    return out;
  }

  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  slice(x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
    const unchanged = begin.every((b) => b === 0) && size.every((s, i) => s === x.shape[i]);
    return unchanged ? x : this.run('Slice', { x }, { begin, size });
  }

  pad(x: tf.TensorInfo, paddings: Array<[number, number]>): tf.TensorInfo {
    const unchanged = paddings.every(([before, after]) => before === 0 && after === 0);
    return unchanged ? x : this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  /** Frees every intermediate but `keep`. */
  release(keep: tf.TensorInfo | undefined): void {
    for (const t of this.intermediates) {
      if (t !== keep) this.backend.disposeData(t.dataId);
    }
    this.intermediates.length = 0;
  }
}

/** Runs `body` with a fresh scope; only its result survives, even when it throws. */
export function inKernelScope(
  backend: tf.KernelBackend,
  backendName: string,
  body: (scope: KernelScope) => tf.TensorInfo,
): tf.TensorInfo {
  const scope = new KernelScope(backend, backendName);
  let result: tf.TensorInfo | undefined;
  try {
    result = body(scope);
    return result;
  } finally {
    scope.release(result);
  }
}
