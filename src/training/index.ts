// The training engine's public API: architectures, train/distill/evaluate runs, checkpoints and specs.
// Backend selection lives in ./backend (call selectBackend() once, before any of this runs); ./spec is the part without tfjs.

export { buildModel, countTrainableParams, type ModelOptions } from './models';
export { trainModel } from './train';
export { distillModel, distillModelFromLogits } from './distill';
export { computeTeacherLogits, type TeacherLogitsOptions } from './teacher-logits';
export {
  evaluateModel,
  evaluateEnsemble,
  ensembleReportFromLogits,
  labelsAt,
  metricsFromProbabilities,
  predictLogits,
  ECE_BINS,
  type EvaluationReport,
  type EnsembleEvaluationReport,
  type EnsembleEvaluateOptions,
  type EvaluateOptions,
  type ReliabilityBin,
} from './evaluate';
export { softmaxRows } from './softmax';
export { combineMemberLogits, type CombinedProbabilities } from './ensemble-combination';
export {
  TrainingCancelledError,
  IncompatibleDataError,
  CheckpointFormatError,
  OptimizerStateError,
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
export * from './spec';
export { aggregateProbabilities } from './teacher-aggregation';
export { crossEntropy, softCrossEntropy, distillationLoss } from './losses';
export { splitTrainValidation } from './data';
