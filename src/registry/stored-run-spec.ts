// The spec a run stores, as createRun resolved it (src/registry/runs.ts): what a node executes and
// what completion registers. Read back through these types, never re-validated.
import type { InputNormalization } from './ports';
import type { EnsembleAggregation, EvaluationSplit, JsonObject, RunRecord } from './records';

/** A version the spec names: its id, plus the model name and number it had when the run was created. */
export interface SpecVersion {
  versionId: string;
  model: string;
  version: number;
}

export interface SpecTeacher extends SpecVersion {
  weight: number | null;
}

export interface SpecDataset {
  id: string;
  name: string;
  version: number;
}

/** train and distill runs. */
export interface TrainingRunSpec {
  dataset: SpecDataset;
  /** The model the result is registered under. */
  model: string;
  init?: SpecVersion;
  /** distill only: the teachers (an ensemble's members as they resolved when the run was created). */
  teachers?: SpecTeacher[];
  /** distill from an ensemble: which one, at which revision. */
  ensemble?: { id: string; name: string; revision: number; aggregation: string };
  /** The engine's resolved TrainSpec or DistillSpec. */
  training: JsonObject & { architecture: string; epochs: number; normalization: { mean: number[]; std: number[] } };
}

/** One model an evaluate run scores: its weight normalised over the members (sums to 1), the normalisation it expects. */
export interface SpecMember extends SpecVersion {
  weight: number;
  normalization: InputNormalization;
}

/** evaluate runs: a version (one member, weight 1) or an ensemble's members as resolved when it was created. */
export interface EvaluateRunSpec {
  dataset: SpecDataset;
  split: EvaluationSplit;
  members: SpecMember[];
  aggregation: EnsembleAggregation;
  version?: { id: string; model: string; version: number };
  ensemble?: { id: string; name: string; revision: number };
}

export const trainingSpecOf = (run: RunRecord): TrainingRunSpec => run.spec as unknown as TrainingRunSpec;
export const evaluateSpecOf = (run: RunRecord): EvaluateRunSpec => run.spec as unknown as EvaluateRunSpec;
