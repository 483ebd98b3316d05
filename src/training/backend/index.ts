// tfjs backend layer: backend selection, the project's wasm training kernels and the native oneDNN kernels.
export { selectBackend, type BackendInfo, type BackendOptions } from './select-backend';
export {
  BACKEND_PREFERENCES,
  backendPreferenceFromEnv,
  threadsFromEnv,
  threadsPerEngine,
  type BackendPreference,
} from './settings';
export {
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
  WASM_TRAINING_KERNEL_NAMES,
} from './wasm-training-kernels';
export {
  BackendUnavailableError,
  InvalidBackendPreferenceError,
  InvalidThreadCountError,
  UnsupportedConvolutionError,
  type BackendName,
} from './errors';
