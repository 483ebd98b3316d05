// The logical tables the SQL stores use, and the one place a row differs from its record: the
// blob references of a version or a checkpoint are stored flat, as key / sha256 / size columns, and
// an ensemble's members are rows of their own.
import type { Table } from 'drizzle-orm';
import type {
  AliasRecord,
  ApiKeyRecord,
  BlobRef,
  CheckpointRecord,
  DatasetRecord,
  EnsembleMemberRecord,
  EnsembleRecord,
  IdempotencyRecord,
  LineageEdgeRecord,
  ModelRecord,
  ModelVersionRecord,
  NodeRecord,
  RunEventRecord,
  RunRecord,
} from '../../records';
import type { TeacherOutputsRecord } from '../../ports';
import type { TableOf } from './sql-database';

/** A TensorFlow.js Layers artifact's `model.json` and `weights.bin`, as columns. */
interface LayersArtifactRow {
  modelJsonKey: string;
  modelJsonSha256: string;
  modelJsonSize: number;
  weightsKey: string;
  weightsSha256: string;
  weightsSize: number;
}

interface LayersArtifact {
  modelJson: BlobRef;
  weights: BlobRef;
}

export interface VersionRow extends Omit<ModelVersionRecord, 'modelJson' | 'weights'>, LayersArtifactRow {}

export interface CheckpointRow extends Omit<CheckpointRecord, 'modelJson' | 'weights' | 'optimizer'>, LayersArtifactRow {
  optimizerKey: string | null;
  optimizerSha256: string | null;
  optimizerSize: number | null;
}

/** The tables of one dialect's schema the SQL stores read and write. */
export interface RegistryTables<T extends Table> {
  models: TableOf<T, ModelRecord>;
  modelVersions: TableOf<T, VersionRow>;
  aliases: TableOf<T, AliasRecord>;
  lineageEdges: TableOf<T, LineageEdgeRecord>;
  datasets: TableOf<T, DatasetRecord>;
  apiKeys: TableOf<T, ApiKeyRecord>;
  idempotencyKeys: TableOf<T, IdempotencyRecord>;
  runs: TableOf<T, RunRecord>;
  runEvents: TableOf<T, RunEventRecord>;
  checkpoints: TableOf<T, CheckpointRow>;
  nodes: TableOf<T, NodeRecord>;
  versionCounters: TableOf<T, VersionCounterRow>;
  teacherOutputs: TableOf<T, TeacherOutputsRow>;
  ensembles: TableOf<T, EnsembleRow>;
  ensembleMembers: TableOf<T, EnsembleMemberRow>;
}

export interface EnsembleRow extends Omit<EnsembleRecord, 'members'> {}

export interface EnsembleMemberRow extends EnsembleMemberRecord {
  ensembleId: string;
}

export interface TeacherOutputsRow extends Omit<TeacherOutputsRecord, 'blob'> {
  blobKey: string;
  blobSha256: string;
  blobSize: number;
}

export interface VersionCounterRow {
  /**
   * `model:<model id>` or `dataset:<dataset name>`; `name:<name>` counts the claims of a model or
   * ensemble name, bumped only so that creators of one name take turns (see claimName).
   */
  subject: string;
  lastVersion: number;
}

function toArtifactRow({ modelJson, weights }: LayersArtifact): LayersArtifactRow {
  return {
    modelJsonKey: modelJson.key,
    modelJsonSha256: modelJson.sha256,
    modelJsonSize: modelJson.size,
    weightsKey: weights.key,
    weightsSha256: weights.sha256,
    weightsSize: weights.size,
  };
}

function toArtifact(row: LayersArtifactRow): LayersArtifact {
  return {
    modelJson: { key: row.modelJsonKey, sha256: row.modelJsonSha256, size: row.modelJsonSize },
    weights: { key: row.weightsKey, sha256: row.weightsSha256, size: row.weightsSize },
  };
}

export function toVersionRow({ modelJson, weights, ...rest }: ModelVersionRecord): VersionRow {
  return { ...rest, ...toArtifactRow({ modelJson, weights }) };
}

export function toVersionRecord(row: VersionRow): ModelVersionRecord {
  const { modelJsonKey, modelJsonSha256, modelJsonSize, weightsKey, weightsSha256, weightsSize, ...rest } = row;
  return { ...rest, ...toArtifact(row) };
}

export function toCheckpointRow({ modelJson, weights, optimizer, ...rest }: CheckpointRecord): CheckpointRow {
  return {
    ...rest,
    ...toArtifactRow({ modelJson, weights }),
    optimizerKey: optimizer?.key ?? null,
    optimizerSha256: optimizer?.sha256 ?? null,
    optimizerSize: optimizer?.size ?? null,
  };
}

export function toCheckpointRecord(row: CheckpointRow): CheckpointRecord {
  const { modelJsonKey, modelJsonSha256, modelJsonSize, weightsKey, weightsSha256, weightsSize, optimizerKey, optimizerSha256, optimizerSize, ...rest } = row;
  const optimizer = optimizerKey === null ? null : { key: optimizerKey, sha256: optimizerSha256 ?? '', size: optimizerSize ?? 0 };
  return { ...rest, ...toArtifact(row), optimizer };
}

export function toTeacherOutputsRow({ blob, ...rest }: TeacherOutputsRecord): TeacherOutputsRow {
  return { ...rest, blobKey: blob.key, blobSha256: blob.sha256, blobSize: blob.size };
}

export function toTeacherOutputsRecord({ blobKey, blobSha256, blobSize, ...rest }: TeacherOutputsRow): TeacherOutputsRecord {
  return { ...rest, blob: { key: blobKey, sha256: blobSha256, size: blobSize } };
}

export function toEnsembleRows({ members, ...ensemble }: EnsembleRecord): { ensemble: EnsembleRow; members: EnsembleMemberRow[] } {
  return { ensemble, members: members.map((member) => ({ ...member, ensembleId: ensemble.id })) };
}

/** The ensemble with its members (any of `memberRows`, other ensembles' left out) in position order. */
export function toEnsembleRecord(row: EnsembleRow, memberRows: EnsembleMemberRow[]): EnsembleRecord {
  const members = memberRows
    .filter((member) => member.ensembleId === row.id)
    .sort((a, b) => a.position - b.position)
    .map(({ ensembleId: _ensembleId, ...member }) => member);
  return { ...row, members };
}
