// Run specs without tfjs: every schema, name and default a train or distill request is validated
// against. The API and the Worker import only this from src/training (test/architecture checks it).

export { ARCHITECTURE_NAMES, ARCHITECTURES, type Architecture, type ArchitectureInfo } from './architectures';
export { optimizerSpecSchema, type OptimizerSpec } from './optimizer';
export { lrScheduleSchema, type LrSchedule } from './lr-schedule';
export { AGGREGATIONS, ENSEMBLE_AGGREGATIONS, type Aggregation, type EnsembleAggregation } from './aggregations';
export {
  normalizationSchema,
  DEFAULT_NORMALIZATION,
  DEFAULT_SPLIT_SEED,
  DEFAULT_VALIDATION_FRACTION,
  type Normalization,
} from './data';
export {
  trainSpecSchema,
  distillSpecSchema,
  parseTrainSpec,
  parseDistillSpec,
  type TrainSpec,
  type TrainSpecInput,
  type DistillSpec,
  type DistillSpecInput,
} from './run-spec';
export { InvalidSpecError } from '../errors';
