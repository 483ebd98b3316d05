// The logical tables the SQL stores use, and the one place a row differs from its record:
// a version's two blob references are stored flat, as key / sha256 / size columns.
import type { Table } from 'drizzle-orm';
import type {
  AliasRecord,
  ApiKeyRecord,
  DatasetRecord,
  IdempotencyRecord,
  LineageEdgeRecord,
  ModelRecord,
  ModelVersionRecord,
} from '../../records';
import type { TableOf } from './sql-database';

export interface VersionRow extends Omit<ModelVersionRecord, 'modelJson' | 'weights'> {
  modelJsonKey: string;
  modelJsonSha256: string;
  modelJsonSize: number;
  weightsKey: string;
  weightsSha256: string;
  weightsSize: number;
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
  /** Only to check that a referenced run exists. */
  runs: TableOf<T, { id: string }>;
  versionCounters: TableOf<T, VersionCounterRow>;
}

export interface VersionCounterRow {
  /** `model:<model id>` or `dataset:<dataset name>`. */
  subject: string;
  lastVersion: number;
}

export function toVersionRow({ modelJson, weights, ...rest }: ModelVersionRecord): VersionRow {
  return {
    ...rest,
    modelJsonKey: modelJson.key,
    modelJsonSha256: modelJson.sha256,
    modelJsonSize: modelJson.size,
    weightsKey: weights.key,
    weightsSha256: weights.sha256,
    weightsSize: weights.size,
  };
}

export function toVersionRecord(row: VersionRow): ModelVersionRecord {
  const { modelJsonKey, modelJsonSha256, modelJsonSize, weightsKey, weightsSha256, weightsSize, ...rest } = row;
  return {
    ...rest,
    modelJson: { key: modelJsonKey, sha256: modelJsonSha256, size: modelJsonSize },
    weights: { key: weightsKey, sha256: weightsSha256, size: weightsSize },
  };
}
