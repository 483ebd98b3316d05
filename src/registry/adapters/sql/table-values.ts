// The closed vocabularies stored in text columns, shared by both dialects' schemas and their
// CHECK constraints, so SQLite and PostgreSQL accept exactly the same values.
import { type Column, type SQL, sql } from 'drizzle-orm';
import type {
  DatasetFormat,
  EnsembleAggregation,
  EvaluationSplit,
  LineageRelation,
  RunEventKind,
  RunKind,
  RunStatus,
  VersionStatus,
} from '../../records';

/** Every member of a string union, checked complete by the compiler through the Record key type. */
const members = <T extends string>(all: Record<T, true>): readonly T[] => Object.keys(all) as T[];

export const VERSION_STATUSES = members<VersionStatus>({ active: true, archived: true });
export const LINEAGE_RELATIONS = members<LineageRelation>({ teacher: true, 'ensemble-member': true, init: true });
export const DATASET_FORMATS = members<DatasetFormat>({ idx: true, 'cifar10-binary': true });
export const RUN_KINDS = members<RunKind>({ train: true, distill: true, evaluate: true });
export const RUN_STATUSES = members<RunStatus>({
  queued: true,
  running: true,
  succeeded: true,
  failed: true,
  cancelled: true,
});
export const RUN_EVENT_KINDS = members<RunEventKind>({ batch: true, epoch: true, status: true, log: true });
export const ENSEMBLE_AGGREGATIONS = members<EnsembleAggregation>({
  'mean-probabilities': true,
  'mean-logits': true,
  weighted: true,
  'majority-vote': true,
});
export const EVALUATION_SPLITS = members<EvaluationSplit>({ train: true, validation: true, test: true });

/**
 * `column in ('a', 'b')` with the values inlined: CHECK constraints live in the migration SQL,
 * where bound parameters do not exist. The values are our own constants, never user input.
 */
export function oneOf(column: Column, values: readonly string[]): SQL {
  return sql`${column} in (${sql.raw(values.map((value) => `'${value}'`).join(', '))})`;
}
