// The Repository on SQL, for every dialect: the bundle of the SQL stores on one database.
import type { Table } from 'drizzle-orm';
import type { Repository } from '../../ports';
import type { RegistryTables } from './rows';
import { sqlApiKeyStore } from './sql-api-key-store';
import type { SqlDatabase } from './sql-database';
import { sqlDatasetStore } from './sql-dataset-store';
import { sqlEnsembleStore } from './sql-ensemble-store';
import { sqlIdempotencyStore } from './sql-idempotency-store';
import { sqlModelStore } from './sql-model-store';
import { sqlNodeStore } from './sql-node-store';
import { sqlRunQueueStore } from './sql-run-queue-store';
import { sqlTeacherOutputsStore } from './sql-teacher-outputs-store';

export function sqlRepository<T extends Table>(db: SqlDatabase<T>, tables: RegistryTables<T>): Repository {
  return {
    ...sqlModelStore(db, tables),
    ...sqlDatasetStore(db, tables),
    ...sqlApiKeyStore(db, tables),
    ...sqlIdempotencyStore(db, tables),
    ...sqlRunQueueStore(db, tables),
    ...sqlNodeStore(db, tables),
    ...sqlTeacherOutputsStore(db, tables),
    ...sqlEnsembleStore(db, tables),
    close: () => db.close(),
  };
}
