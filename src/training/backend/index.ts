// tfjs backend layer: backend selection and the project's wasm training kernels.
export { backendPreferenceFromEnv, selectBackend, type BackendInfo, type BackendPreference } from './select-backend';
export {
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
  WASM_TRAINING_KERNEL_NAMES,
} from './wasm-training-kernels';
export {
  BackendUnavailableError,
  InvalidBackendPreferenceError,
  UnsupportedConvolutionError,
  type BackendName,
} from './errors';
