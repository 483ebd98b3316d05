// The training engine's public API: architectures, train/distill/evaluate runs, checkpoints and specs.
// Backend selection lives in ./backend (call selectBackend() once, before any of this runs).

export {
  buildModel,
  countTrainableParams,
  ARCHITECTURES,
  ARCHITECTURE_NAMES,
  type Architecture,
  type ArchitectureInfo,
  type ModelOptions,
} from './models';
export { trainModel } from './train';
export { distillModel } from './distill';
export {
  evaluateModel,
  evaluateEnsemble,
  metricsFromProbabilities,
  predictLogits,
  softmaxRows,
  ECE_BINS,
  type EvaluationReport,
  type EnsembleEvaluationReport,
  type EvaluateOptions,
} from './evaluate';
export {
  TrainingCancelledError,
  IncompatibleDataError,
  CheckpointFormatError,
  OptimizerStateError,
  InvalidSpecError,
  InvalidEnsembleError,
} from './errors';
export type {
  BatchProgress,
  CheckpointArtifacts,
  CheckpointMetrics,
  CheckpointSink,
  EpochMetrics,
  ResumeState,
  RunHooks,
  RunResult,
} from './run-types';
export {
  serializeModel,
  deserializeModel,
  WEIGHTS_FILE_NAME,
  type LayersModelJson,
  type ModelArtifactsBytes,
} from './checkpoint';
export { optimizerSpecSchema, type OptimizerSpec } from './optimizers';
export {
  trainSpecSchema,
  distillSpecSchema,
  parseTrainSpec,
  parseDistillSpec,
  type TrainSpec,
  type TrainSpecInput,
  type DistillSpec,
  type DistillSpecInput,
} from './spec';
export { lrScheduleSchema, type LrSchedule } from './lr-schedule';
export { AGGREGATIONS, aggregateProbabilities, type Aggregation } from './teacher-aggregation';
export { crossEntropy, softCrossEntropy, distillationLoss } from './losses';
export { splitTrainValidation, DEFAULT_NORMALIZATION, type Normalization } from './data';
