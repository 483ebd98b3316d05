// The registry's tables in drizzle's sqlite-core: serves SQLite (better-sqlite3) and Cloudflare D1.
// Timestamps are ISO-8601 UTC text (so they sort as text); JSON is text parsed by drizzle.
import { sql } from 'drizzle-orm';
import {
  type AnySQLiteColumn,
  check,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  unique,
} from 'drizzle-orm/sqlite-core';
import type {
  DatasetFileRecord,
  DatasetFormat,
  DatasetSplitSummary,
  EnsembleAggregation,
  EvaluationSplit,
  JsonObject,
  LineageRelation,
  RunEventKind,
  RunKind,
  RunStatus,
  Scope,
  VersionStatus,
} from '../../../records';
import {
  DATASET_FORMATS,
  ENSEMBLE_AGGREGATIONS,
  EVALUATION_SPLITS,
  LINEAGE_RELATIONS,
  oneOf,
  RUN_EVENT_KINDS,
  RUN_KINDS,
  RUN_STATUSES,
  VERSION_STATUSES,
} from '../table-values';

const json = <T>(name: string) => text(name, { mode: 'json' }).$type<T>().notNull();
const timestamp = (name: string) => text(name);

/** A TensorFlow.js Layers artifact's two blobs (BlobRefs), stored flat: key, sha256 and size each. */
const layersArtifactColumns = () => ({
  modelJsonKey: text('model_json_key').notNull(),
  modelJsonSha256: text('model_json_sha256').notNull(),
  modelJsonSize: integer('model_json_size').notNull(),
  weightsKey: text('weights_key').notNull(),
  weightsSha256: text('weights_sha256').notNull(),
  weightsSize: integer('weights_size').notNull(),
});

export const models = sqliteTable('models', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  task: text('task').notNull(),
  inputShape: json<number[]>('input_shape'),
  classLabels: json<string[]>('class_labels'),
  description: text('description').notNull(),
  tags: json<Record<string, string>>('tags'),
  createdAt: timestamp('created_at').notNull(),
  updatedAt: timestamp('updated_at').notNull(),
});

export const modelVersions = sqliteTable(
  'model_versions',
  {
    id: text('id').primaryKey(),
    modelId: text('model_id').notNull().references(() => models.id, { onDelete: 'restrict' }),
    version: integer('version').notNull(),
    status: text('status').$type<VersionStatus>().notNull(),
    description: text('description').notNull(),
    ...layersArtifactColumns(),
    params: json<JsonObject>('params'),
    metrics: json<Record<string, number>>('metrics'),
    tags: json<Record<string, string>>('tags'),
    sourceRunId: text('source_run_id').references((): AnySQLiteColumn => runs.id, { onDelete: 'restrict' }),
    createdAt: timestamp('created_at').notNull(),
    archivedAt: timestamp('archived_at'),
  },
  (t) => [
    unique('model_versions_model_version_unique').on(t.modelId, t.version),
    // A run registers at most one version: a retried or raced completion cannot register twice.
    unique('model_versions_source_run_unique').on(t.sourceRunId),
    check('model_versions_status_check', oneOf(t.status, VERSION_STATUSES)),
  ],
);

/**
 * The last number handed out per subject (`model:<model id>`, `dataset:<name>`). A counter, not
 * max(version) + 1, so a deleted latest version's number is never handed out again (its blobs
 * stay write-once under that number); incrementing it also queues concurrent creators.
 */
export const versionCounters = sqliteTable('version_counters', {
  subject: text('subject').primaryKey(),
  lastVersion: integer('last_version').notNull(),
});

export const aliases = sqliteTable(
  'aliases',
  {
    modelId: text('model_id').notNull().references(() => models.id, { onDelete: 'restrict' }),
    alias: text('alias').notNull(),
    versionId: text('version_id').notNull().references(() => modelVersions.id, { onDelete: 'restrict' }),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.alias] }), index('aliases_version_idx').on(t.versionId)],
);

export const lineageEdges = sqliteTable(
  'lineage_edges',
  {
    id: text('id').primaryKey(),
    childVersionId: text('child_version_id').notNull().references(() => modelVersions.id, { onDelete: 'restrict' }),
    parentVersionId: text('parent_version_id').notNull().references(() => modelVersions.id, { onDelete: 'restrict' }),
    relation: text('relation').$type<LineageRelation>().notNull(),
    weight: real('weight'),
    method: text('method'),
    params: json<JsonObject>('params'),
    runId: text('run_id').references((): AnySQLiteColumn => runs.id, { onDelete: 'restrict' }),
    datasetId: text('dataset_id').references(() => datasets.id, { onDelete: 'restrict' }),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [
    unique('lineage_edges_child_parent_relation_unique').on(t.childVersionId, t.parentVersionId, t.relation),
    index('lineage_edges_parent_idx').on(t.parentVersionId),
    check('lineage_edges_relation_check', oneOf(t.relation, LINEAGE_RELATIONS)),
    check('lineage_edges_not_self_check', sql`${t.childVersionId} <> ${t.parentVersionId}`),
  ],
);

export const datasets = sqliteTable(
  'datasets',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    version: integer('version').notNull(),
    format: text('format').$type<DatasetFormat>().notNull(),
    source: text('source').notNull(),
    description: text('description').notNull(),
    shape: json<number[]>('shape'),
    classLabels: json<string[]>('class_labels'),
    splits: json<Record<string, DatasetSplitSummary>>('splits'),
    files: json<DatasetFileRecord[]>('files'),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [
    unique('datasets_name_version_unique').on(t.name, t.version),
    check('datasets_format_check', oneOf(t.format, DATASET_FORMATS)),
  ],
);

export const apiKeys = sqliteTable('api_keys', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  secretHash: text('secret_hash').notNull().unique(),
  scopes: json<Scope[]>('scopes'),
  createdAt: timestamp('created_at').notNull(),
  revokedAt: timestamp('revoked_at'),
});

export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    apiKeyId: text('api_key_id').notNull().references(() => apiKeys.id, { onDelete: 'restrict' }),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    responseBody: text('response_body').notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.apiKeyId, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);

export const nodes = sqliteTable('nodes', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  backend: text('backend').notNull(),
  device: text('device').notNull(),
  /** The node's Distillery version; empty for a node registered before versions were recorded. */
  version: text('version').notNull().default(''),
  apiKeyId: text('api_key_id').references(() => apiKeys.id, { onDelete: 'restrict' }),
  capabilities: json<JsonObject>('capabilities'),
  createdAt: timestamp('created_at').notNull(),
  lastSeenAt: timestamp('last_seen_at').notNull(),
});

export const runs = sqliteTable(
  'runs',
  {
    id: text('id').primaryKey(),
    kind: text('kind').$type<RunKind>().notNull(),
    spec: json<JsonObject>('spec'),
    status: text('status').$type<RunStatus>().notNull(),
    attempt: integer('attempt').notNull(),
    maxAttempts: integer('max_attempts').notNull(),
    leaseOwner: text('lease_owner').references(() => nodes.id, { onDelete: 'restrict' }),
    leaseExpiresAt: timestamp('lease_expires_at'),
    /** Set when a running run is asked to stop: the node sees it on its next heartbeat. */
    cancelRequestedAt: timestamp('cancel_requested_at'),
    fencingToken: integer('fencing_token').notNull(),
    createdByKeyId: text('created_by_key_id').references(() => apiKeys.id, { onDelete: 'restrict' }),
    idempotencyKey: text('idempotency_key'),
    model: text('model'),
    resultVersionId: text('result_version_id').references((): AnySQLiteColumn => modelVersions.id, {
      onDelete: 'restrict',
    }),
    result: text('result', { mode: 'json' }).$type<Record<string, number>>(),
    error: text('error', { mode: 'json' }).$type<JsonObject>(),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
    startedAt: timestamp('started_at'),
    finishedAt: timestamp('finished_at'),
  },
  (t) => [
    index('runs_status_created_idx').on(t.status, t.createdAt),
    index('runs_lease_expires_idx').on(t.leaseExpiresAt),
    index('runs_model_created_idx').on(t.model, t.createdAt),
    unique('runs_idempotency_unique').on(t.createdByKeyId, t.idempotencyKey),
    check('runs_kind_check', oneOf(t.kind, RUN_KINDS)),
    check('runs_status_check', oneOf(t.status, RUN_STATUSES)),
  ],
);

export const runEvents = sqliteTable(
  'run_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: text('run_id').notNull().references(() => runs.id, { onDelete: 'restrict' }),
    attempt: integer('attempt').notNull(),
    kind: text('kind').$type<RunEventKind>().notNull(),
    epoch: integer('epoch'),
    metrics: json<Record<string, number>>('metrics'),
    message: text('message'),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [
    index('run_events_run_idx').on(t.runId, t.id),
    check('run_events_kind_check', oneOf(t.kind, RUN_EVENT_KINDS)),
  ],
);

export const checkpoints = sqliteTable(
  'checkpoints',
  {
    id: text('id').primaryKey(),
    runId: text('run_id').notNull().references(() => runs.id, { onDelete: 'restrict' }),
    attempt: integer('attempt').notNull(),
    epoch: integer('epoch').notNull(),
    ...layersArtifactColumns(),
    optimizerKey: text('optimizer_key'),
    optimizerSha256: text('optimizer_sha256'),
    optimizerSize: integer('optimizer_size'),
    valMetric: real('val_metric'),
    isBest: integer('is_best', { mode: 'boolean' }).notNull(),
    metrics: json<JsonObject>('metrics').default({}),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [unique('checkpoints_run_attempt_epoch_unique').on(t.runId, t.attempt, t.epoch)],
);

/**
 * A named set of model versions served and evaluated as one. `revision` grows with every change of
 * members or aggregation, so a batch, a run or an evaluation can say which composition it used.
 */
export const ensembles = sqliteTable(
  'ensembles',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull().unique(),
    description: text('description').notNull(),
    aggregation: text('aggregation').$type<EnsembleAggregation>().notNull(),
    revision: integer('revision').notNull().default(1),
    tags: json<Record<string, string>>('tags'),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [
    check('ensembles_aggregation_check', oneOf(t.aggregation, ENSEMBLE_AGGREGATIONS)),
  ],
);

/**
 * One member per position. `alias` is set when the member follows an alias (or `latest`) rather than
 * a fixed version; `version_id` is what it resolved to when the member was written.
 */
export const ensembleMembers = sqliteTable(
  'ensemble_members',
  {
    ensembleId: text('ensemble_id').notNull().references(() => ensembles.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    modelId: text('model_id').notNull().references(() => models.id, { onDelete: 'restrict' }),
    versionId: text('version_id').notNull().references(() => modelVersions.id, { onDelete: 'restrict' }),
    alias: text('alias'),
    weight: real('weight').notNull(),
  },
  (t) => [primaryKey({ columns: [t.ensembleId, t.position] }), index('ensemble_members_version_idx').on(t.versionId)],
);

/**
 * A finished evaluation's report; its id is the evaluate run's. Written once, when the run completes.
 * An ensemble's evaluation keeps the ensemble's name and resolved members, so it outlives the ensemble.
 */
export const evaluations = sqliteTable(
  'evaluations',
  {
    id: text('id').primaryKey().references(() => runs.id, { onDelete: 'restrict' }),
    versionId: text('version_id').references(() => modelVersions.id, { onDelete: 'restrict' }),
    ensembleId: text('ensemble_id').references(() => ensembles.id, { onDelete: 'set null' }),
    ensembleName: text('ensemble_name'),
    datasetId: text('dataset_id').notNull().references(() => datasets.id, { onDelete: 'restrict' }),
    split: text('split').$type<EvaluationSplit>().notNull(),
    aggregation: text('aggregation').$type<EnsembleAggregation>(),
    members: json<JsonObject[]>('members'),
    accuracy: real('accuracy').notNull(),
    nll: real('nll').notNull(),
    ece: real('ece').notNull(),
    count: integer('count').notNull(),
    report: json<JsonObject>('report'),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [
    index('evaluations_version_idx').on(t.versionId, t.createdAt),
    index('evaluations_ensemble_name_idx').on(t.ensembleName, t.createdAt),
    check('evaluations_split_check', oneOf(t.split, EVALUATION_SPLITS)),
    check('evaluations_target_check', sql`(${t.versionId} is null) <> (${t.ensembleName} is null)`),
  ],
);

/** Teacher logits on a dataset version's training file, keyed by (teacher version, dataset, normalisation); written once. */
export const teacherOutputs = sqliteTable(
  'teacher_outputs',
  {
    key: text('key').primaryKey(),
    teacherVersionId: text('teacher_version_id').notNull().references(() => modelVersions.id, { onDelete: 'restrict' }),
    datasetId: text('dataset_id').notNull().references(() => datasets.id, { onDelete: 'restrict' }),
    normalization: json<JsonObject>('normalization'),
    blobKey: text('blob_key').notNull(),
    blobSha256: text('blob_sha256').notNull(),
    blobSize: integer('blob_size').notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('teacher_outputs_teacher_idx').on(t.teacherVersionId)],
);
