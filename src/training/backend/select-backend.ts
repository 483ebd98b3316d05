// Chooses and starts the tfjs backend a training node runs on: native TensorFlow, WebAssembly or pure JS.
import * as tf from '@tensorflow/tfjs';
import { access } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { BackendUnavailableError, InvalidBackendPreferenceError, type BackendName } from './errors';
import { backendPreferenceFromEnv, threadsFromEnv, type BackendPreference } from './settings';
import { wasmBinaryDirectory, wasmBinaryFileName } from './wasm-files';
import { registerWasmTrainingKernels } from './wasm-training-kernels';
import { loadOnednnAddon, type OnednnAddon } from './onednn-addon';
import { onednnKernels } from './onednn-kernels';
import { checkOnednnAddon } from './onednn-self-check';
import type { KernelOverrides } from './kernel-overrides';

/** What a node runs on, for logs, the nodes table and API callers. */
export interface BackendInfo {
  name: BackendName;
  device: 'gpu' | 'cpu';
  /** npm package providing the backend. */
  package: string;
  /** Threads the backend computes with. */
  threads: number;
  /** Whether vector instructions are used (WebAssembly SIMD for wasm). */
  simd: boolean;
  /** Human-readable notes: versions, and for `auto` why earlier candidates were skipped. */
  details: string;
}

/** Options of {@link selectBackend}. */
export interface BackendOptions {
  /** Threads for the native kernels on this thread (default: DISTILLERY_THREADS, else every core the process may use). */
  threads?: number;
}

/**
 * Starts the preferred backend and makes it tfjs's current one.
 *
 * `auto` tries, in order: `@tensorflow/tfjs-node-gpu`, `@tensorflow/tfjs-node`, the wasm backend
 * with the native oneDNN kernels (`onednn`, where native/ was built), the wasm backend with the
 * project's kernels alone, then the pure-JS `cpu` backend. An explicit preference that cannot
 * start throws {@link BackendUnavailableError} saying why. `onednn` is the wasm backend in tfjs
 * (`tf.getBackend()` says 'wasm'); its heavy kernels run in oneDNN on `options.threads` threads.
 *
 * GPU path (not exercised here): `@tensorflow/tfjs-node-gpu` 4.x links libtensorflow 2.9.1 built
 * for CUDA 11.2 and cuDNN 8.1 (NVIDIA driver >= 450); other CUDA/cuDNN versions fail at load with
 * a missing `libcudart.so.11.0`/`libcudnn.so.8`, and the package's install step downloads
 * libtensorflow, which is why both native packages are optional dependencies. The native package
 * must resolve the same `@tensorflow/tfjs-core` copy as the project, or it registers its
 * 'tensorflow' backend on another engine and this function reports that.
 *
 * @example
 *   const info = await selectBackend('auto');
 *   console.log(`${info.name} on ${info.device}, ${info.threads} thread(s)`);
 */
export async function selectBackend(
  preference: BackendPreference = backendPreferenceFromEnv(),
  options: BackendOptions = {},
): Promise<BackendInfo> {
  switch (preference) {
    case 'tensorflow':
      return startTensorflow();
    case 'onednn':
      return startOnednn(options.threads ?? threadsFromEnv());
    case 'wasm':
      return startWasm();
    case 'cpu':
      return startCpu();
    case 'auto':
      return startFirstAvailable(options.threads ?? threadsFromEnv());
    default:
      throw new InvalidBackendPreferenceError(String(preference));
  }
}

async function startFirstAvailable(threads: number): Promise<BackendInfo> {
  const skipped: string[] = [];
  for (const start of [startTensorflow, () => startOnednn(threads), startWasm]) {
    try {
      const info = await start();
      return withSkipped(info, skipped);
    } catch (error) {
      // `auto` promises the best backend that starts: any failure (a missing package, a wasm binary
      // that fails to load) moves on to the next one, and the reason is reported in `details`.
      skipped.push(error instanceof Error ? error.message : String(error));
    }
  }
  return withSkipped(await startCpu(), skipped);
}

function withSkipped(info: BackendInfo, skipped: string[]): BackendInfo {
  if (skipped.length === 0) return info;
  return { ...info, details: `${info.details}; auto skipped: ${skipped.join('; ')}` };
}

const NATIVE_PACKAGES = [
  { name: '@tensorflow/tfjs-node-gpu', device: 'gpu' },
  { name: '@tensorflow/tfjs-node', device: 'cpu' },
] as const;

async function startTensorflow(): Promise<BackendInfo> {
  const failures: string[] = [];
  for (const candidate of NATIVE_PACKAGES) {
    try {
      await importOptional(candidate.name);
    } catch (error) {
      failures.push(`${candidate.name}: ${describeImportFailure(error)}`);
      continue;
    }
    if (!(await tf.setBackend('tensorflow'))) {
      throw new BackendUnavailableError(
        'tensorflow',
        `${candidate.name} loaded but its 'tensorflow' backend did not start on this @tensorflow/tfjs-core ` +
          '(a second tfjs-core copy in node_modules, or libtensorflow failed to initialise)',
      );
    }
    return {
      name: 'tensorflow',
      device: candidate.device,
      package: candidate.name,
      threads: availableParallelism(),
      simd: true,
      details: `libtensorflow via ${candidate.name}, tfjs-core ${tf.version_core}`,
    };
  }
  throw new BackendUnavailableError('tensorflow', failures.join('; '));
}

/** Imports an optional dependency by a non-literal specifier, so TypeScript compiles without it installed. */
async function importOptional(specifier: string): Promise<unknown> {
  return import(specifier);
}

function describeImportFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return 'not installed';
  return `failed to load (${error instanceof Error ? error.message : String(error)})`;
}

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';

/** Starts the wasm backend with the project's kernels only (the native ones, if installed, are taken off). */
async function startWasm(): Promise<BackendInfo> {
  nativeKernels?.overrides.uninstall();
  return startPlainWasm();
}

async function startPlainWasm(): Promise<BackendInfo> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') as boolean;
  const multithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') as boolean;
  const directory = wasmBinaryDirectory();
  const binary = `${directory}${wasmBinaryFileName(simd, multithread)}`;
  try {
    await access(binary);
  } catch (error) {
    throw new BackendUnavailableError('wasm', `wasm binary ${binary} is not readable`, { cause: error });
  }
  if (tf.engine().registry.wasm === undefined) wasm.setWasmPaths(directory);
  registerWasmTrainingKernels();
  if (!(await tf.setBackend('wasm'))) {
    throw new BackendUnavailableError('wasm', `initialising ${binary} failed (tfjs logged the cause above)`);
  }
  const threads = (tf.backend() as InstanceType<typeof wasm.BackendWasm>).wasm.tfjs.getThreadsCount();
  return {
    name: 'wasm',
    device: 'cpu',
    package: WASM_PACKAGE,
    threads,
    simd,
    details: `${wasmBinaryFileName(simd, multithread)} ${wasm.version_wasm}, XNNPACK, project Conv2D gradient kernels`,
  };
}

async function startCpu(): Promise<BackendInfo> {
  if (!(await tf.setBackend('cpu'))) {
    throw new BackendUnavailableError('cpu', 'the pure-JS backend did not start');
  }
  return {
    name: 'cpu',
    device: 'cpu',
    package: '@tensorflow/tfjs-backend-cpu',
    threads: 1,
    simd: false,
    details: `pure JavaScript, tfjs-core ${tf.version_core}`,
  };
}

/** The native kernels, made once per thread from the loaded addon. */
let nativeKernels: { addon: OnednnAddon; overrides: KernelOverrides } | undefined;

const ONEDNN_NAME = 'wasm+onednn';

async function startOnednn(threads: number): Promise<BackendInfo> {
  if (nativeKernels === undefined) {
    const load = loadOnednnAddon();
    if (!load.ok) throw new BackendUnavailableError(ONEDNN_NAME, load.reason);
    const failure = checkOnednnAddon(load.addon);
    if (failure !== null) throw new BackendUnavailableError(ONEDNN_NAME, `the oneDNN addon ${load.path} failed its self-check: ${failure}`);
    nativeKernels = { addon: load.addon, overrides: onednnKernels(load.addon) };
  }
  const wasm = await startPlainWasm();
  nativeKernels.addon.setThreads(threads);
  nativeKernels.overrides.install();
  const library = nativeKernels.addon.library();
  return {
    ...wasm,
    name: ONEDNN_NAME,
    package: `${WASM_PACKAGE} + native/distillery_onednn`,
    threads: nativeKernels.addon.threads(),
    details:
      `oneDNN ${library.version} (${library.runtime}, convolutions by ${library.convolution}) for ${nativeKernels.overrides.kernelNames.join(', ')}; ` +
      `the other kernels: ${wasm.details}`,
  };
}
