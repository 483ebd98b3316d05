// Replaces a backend's registered kernels with the project's and puts the replaced ones back.
import * as tf from '@tensorflow/tfjs';

export interface KernelOverride {
  kernelName: string;
  /** Builds the kernel; `previous` is the kernel it replaces (the package's, or an earlier override), for fallbacks and wrappers. */
  make: (previous: tf.KernelFunc | undefined) => tf.KernelFunc;
}

/**
 * A set of kernels installed over whatever is registered for a backend. Each replaced kernel keeps
 * its setup function (it binds the wasm export a wrapped package kernel calls), so installing
 * before `tf.setBackend` works too. Sets stack: one installed over another reaches it as `previous`
 * and must be uninstalled first.
 */
export class KernelOverrides {
  /** The configs replaced, kept so wrappers and `uninstall` can reach them. */
  private readonly replaced = new Map<string, tf.KernelConfig | undefined>();

  constructor(
    private readonly backendName: string,
    private readonly overrides: readonly KernelOverride[],
  ) {}

  get kernelNames(): readonly string[] {
    return this.overrides.map((o) => o.kernelName);
  }

  /** Installs the overrides (or only those named). Idempotent. */
  install(only: readonly string[] = this.kernelNames): void {
    for (const { kernelName, make } of this.overrides) {
      if (this.replaced.has(kernelName) || !only.includes(kernelName)) continue;
      const previous = tf.getKernel(kernelName, this.backendName);
      this.replaced.set(kernelName, previous);
      if (previous !== undefined) tf.unregisterKernel(kernelName, this.backendName);
      tf.registerKernel({
        kernelName,
        backendName: this.backendName,
        kernelFunc: make(previous?.kernelFunc),
        ...(previous?.setupFunc !== undefined && { setupFunc: previous.setupFunc }),
        ...(previous?.disposeFunc !== undefined && { disposeFunc: previous.disposeFunc }),
      });
    }
  }

  /** Restores the kernels the overrides replaced. */
  uninstall(): void {
    for (const [kernelName, previous] of this.replaced) {
      tf.unregisterKernel(kernelName, this.backendName);
      if (previous !== undefined) tf.registerKernel(previous);
    }
    this.replaced.clear();
  }
}

/** The replaced kernel an override wraps; throws when the backend registered none under that name. */
export function requiredPrevious(kernel: tf.KernelFunc | undefined, name: string, backendName: string): tf.KernelFunc {
  if (kernel === undefined) throw new Error(`the '${backendName}' backend registers no '${name}' kernel to wrap`);
  return kernel;
}
