// Plain records of the registry's data model, shared by the domain, the ports and every adapter.

/** ISO-8601 timestamp string, always UTC (`2026-11-28T18:50:02.123Z`). */
export type Timestamp = string;

/** Free-form JSON object stored as-is (params, method parameters, descriptions of provenance). */
export type JsonObject = { [key: string]: unknown };

/** Where one immutable object lives in the blob store, and what its bytes must hash to. */
export interface BlobRef {
  key: string;
  sha256: string;
  size: number;
}

export interface ModelRecord {
  id: string;
  /** Unique, URL-safe: `[a-z0-9][a-z0-9._-]{0,127}`. */
  name: string;
  /** e.g. `image-classification`. */
  task: string;
  /** Shape of one input, without the batch dimension, e.g. `[28, 28, 1]`. */
  inputShape: number[];
  /** Index i is the name of output class i; its length is the number of outputs. */
  classLabels: string[];
  description: string;
  tags: Record<string, string>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export type VersionStatus = 'active' | 'archived';

export interface ModelVersionRecord {
  id: string;
  modelId: string;
  /** 1, 2, 3… per model, allocated by the ModelStore, never reused. */
  version: number;
  status: VersionStatus;
  description: string;
  /** The TensorFlow.js Layers artifact: `model.json` (rewritten to name one weights file) and `weights.bin`. */
  modelJson: BlobRef;
  weights: BlobRef;
  /** Hyperparameters or anything the producer wants to record. */
  params: JsonObject;
  /** Numeric results, e.g. `{ "test_accuracy": 0.8907 }`. */
  metrics: Record<string, number>;
  tags: Record<string, string>;
  /** The run that produced it, when Distillery trained it. */
  sourceRunId: string | null;
  createdAt: Timestamp;
  archivedAt: Timestamp | null;
}

export type LineageRelation = 'teacher' | 'ensemble-member' | 'init';

/** A directed edge parent -> child: the child version was made from the parent version. */
export interface LineageEdgeRecord {
  id: string;
  childVersionId: string;
  parentVersionId: string;
  relation: LineageRelation;
  /** Weight of this parent among the child's parents of the same relation (teacher weights). */
  weight: number | null;
  /** How the child was made, e.g. `knowledge-distillation`, `self-distillation`. */
  method: string | null;
  /** Hyperparameters of that method (temperature, alpha, epochs…). */
  params: JsonObject;
  runId: string | null;
  datasetId: string | null;
  createdAt: Timestamp;
}

/**
 * How an ensemble combines its members (weights normalised to sum 1, applied in every mode):
 * `mean-probabilities` the weighted mean of softmax outputs (the reference), `mean-logits` the softmax
 * of the weighted mean of logits, `weighted` the same as mean-probabilities with every weight given
 * explicitly, `majority-vote` the weighted share of members whose argmax is each class.
 */
export type EnsembleAggregation = 'mean-probabilities' | 'mean-logits' | 'weighted' | 'majority-vote';

export interface EnsembleMemberRecord {
  /** 0-based order of the members (the order of outputs, teachers and evaluations). */
  position: number;
  modelId: string;
  /** The version the member resolved to when it was written (for an alias member: the alias's version then). */
  versionId: string;
  /** Set when the member follows an alias or `latest`: it is resolved again on every use. */
  alias: string | null;
  /** Relative weight, > 0 (normalised over the members when used). */
  weight: number;
}

export interface EnsembleRecord {
  id: string;
  /** Shares the model names' namespace: no model and no ensemble have the same name. */
  name: string;
  description: string;
  aggregation: EnsembleAggregation;
  /** 1 at creation, raised by every change of members or aggregation. */
  revision: number;
  tags: Record<string, string>;
  members: EnsembleMemberRecord[];
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

/** Which examples an evaluation scores: the test file, the reference protocol's validation hold-out, or the whole training file. */
export type EvaluationSplit = 'train' | 'validation' | 'test';

/** A finished evaluation (its id is the evaluate run's id): headline numbers as columns, the rest in `report`. */
export interface EvaluationRecord {
  id: string;
  /** Exactly one of versionId (a version or alias was evaluated) and ensembleName is set. */
  versionId: string | null;
  /** Null once the ensemble is deleted; ensembleName stays. */
  ensembleId: string | null;
  ensembleName: string | null;
  datasetId: string;
  split: EvaluationSplit;
  /** Ensembles only. */
  aggregation: EnsembleAggregation | null;
  /** The versions evaluated, as resolved when the evaluation was created: `{ versionId, model, version, weight }`. */
  members: JsonObject[];
  accuracy: number;
  nll: number;
  ece: number;
  count: number;
  /** `reliability` bins, `perClassAccuracy`, `confusionMatrix`, and for an ensemble `members` (each member's metrics). */
  report: JsonObject;
  createdAt: Timestamp;
}

export interface AliasRecord {
  modelId: string;
  /** e.g. `production`; same naming rule as model names. */
  alias: string;
  versionId: string;
  updatedAt: Timestamp;
}

export type DatasetFormat = 'idx' | 'cifar10-binary';

/** One stored file of a dataset: `role` says what it holds, e.g. `train-images`, `test-labels`. */
export interface DatasetFileRecord extends BlobRef {
  role: string;
}

export interface DatasetSplitSummary {
  count: number;
  /** Count of examples per class index. */
  classCounts: number[];
}

export interface DatasetRecord {
  id: string;
  name: string;
  /** 1, 2, 3… per dataset name. */
  version: number;
  format: DatasetFormat;
  /** `upload`, or the built-in it came from (`builtin:mnist`, `builtin:fashion-mnist`). */
  source: string;
  description: string;
  /** Shape of one example, e.g. `[28, 28, 1]`. */
  shape: number[];
  classLabels: string[];
  splits: Record<string, DatasetSplitSummary>;
  files: DatasetFileRecord[];
  createdAt: Timestamp;
}

export type Scope = 'read' | 'predict' | 'write' | 'admin' | 'node';
export const SCOPES: readonly Scope[] = ['read', 'predict', 'write', 'admin', 'node'];

export interface ApiKeyRecord {
  id: string;
  name: string;
  /** sha256 (hex) of the secret part; the secret itself is never stored. */
  secretHash: string;
  scopes: Scope[];
  createdAt: Timestamp;
  revokedAt: Timestamp | null;
}

/** A stored response to a create request, replayed for a repeated `Idempotency-Key`. */
export interface IdempotencyRecord {
  /** The API key that sent it: keys are scoped per caller. */
  apiKeyId: string;
  key: string;
  /** sha256 of method + path + body, to refuse the same key reused for a different request. */
  requestHash: string;
  status: number;
  responseBody: string;
  createdAt: Timestamp;
}

export type RunKind = 'train' | 'distill' | 'evaluate';
/**
 * A run is queued, then running on a node (perhaps several times: each claim is an attempt), then
 * finished: succeeded, failed or cancelled. Asking a running run to stop keeps it running with
 * `cancelRequestedAt` set until its node confirms (or its lease expires).
 */
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
/** `batch`: progress within an epoch (batch, batches, loss); `epoch`: an epoch's metrics; `status`, `log`: a message. */
export type RunEventKind = 'batch' | 'epoch' | 'status' | 'log';

/** One training, distillation or evaluation job and the lease of the node running it. */
export interface RunRecord {
  id: string;
  kind: RunKind;
  /** What to run, as the API validated it. */
  spec: JsonObject;
  status: RunStatus;
  /** Claims so far: 0 while never claimed, 1 on the first attempt. */
  attempt: number;
  /** After this many attempts whose leases expired the run fails instead of going back to the queue. */
  maxAttempts: number;
  /** The node holding (or that last held) the run. */
  leaseOwner: string | null;
  /** Until when the lease holds; null unless running. */
  leaseExpiresAt: Timestamp | null;
  /**
   * Raised by every claim: each write of a node names the token it claimed with, and is refused
   * once the run was claimed again (or finished), so a node that lost its lease cannot write.
   */
  fencingToken: number;
  cancelRequestedAt: Timestamp | null;
  createdByKeyId: string | null;
  /** Unique per creating key, so a retried create returns the run created first. */
  idempotencyKey: string | null;
  /** The target model's name (train, distill) or the evaluated version's model (evaluate): what `?model=` filters by. */
  model: string | null;
  resultVersionId: string | null;
  /** A succeeded run's metrics: an evaluate run's, or those its registered version got. */
  result: Record<string, number> | null;
  /** Why the run failed (`{ type, message, … }`). */
  error: JsonObject | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  startedAt: Timestamp | null;
  finishedAt: Timestamp | null;
}

/** Progress a node reports: `id` grows within the database, so a follower resumes after the last it saw. */
export interface RunEventRecord {
  id: number;
  runId: string;
  /** The attempt that wrote it. */
  attempt: number;
  kind: RunEventKind;
  epoch: number | null;
  metrics: Record<string, number>;
  message: string | null;
  createdAt: Timestamp;
}

/** Weights (and optimizer state) a run saved after an epoch; the next attempt resumes from the latest. */
export interface CheckpointRecord {
  id: string;
  runId: string;
  attempt: number;
  epoch: number;
  modelJson: BlobRef;
  weights: BlobRef;
  optimizer: BlobRef | null;
  /** The validation metric the best checkpoint is chosen by, when the run has one. */
  valMetric: number | null;
  isBest: boolean;
  /** What the node stored with it (the engine's CheckpointMetrics: the epoch's numbers, the best so far, the history). */
  metrics: JsonObject;
  createdAt: Timestamp;
}

/** A training node as it registered: what it runs on, and when it was last heard from. */
export interface NodeRecord {
  id: string;
  /** Unique: a node registering again under its name keeps its id. */
  name: string;
  /** The tfjs backend, e.g. `tensorflow`, `wasm`, `cpu`. */
  backend: string;
  /** e.g. `cpu`, `NVIDIA H100`. */
  device: string;
  /** The Distillery version it runs. */
  version: string;
  /** The node-scoped API key it registered with. */
  apiKeyId: string | null;
  capabilities: JsonObject;
  createdAt: Timestamp;
  lastSeenAt: Timestamp;
}
