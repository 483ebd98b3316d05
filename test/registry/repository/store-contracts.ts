// Every store's contract in one call, the way a driver's test file runs them: set up the database,
// then `tests(driver, { skip: { <store>: { <title>: <reason> } } })`.
import { tests as apiKeyStoreTests } from './api-key-store.contract';
import type { StoreDriver } from './contract-suite';
import { tests as datasetStoreTests } from './dataset-store.contract';
import { tests as ensembleStoreTests } from './ensemble-store.contract';
import { tests as idempotencyStoreTests } from './idempotency-store.contract';
import { tests as modelStoreTests } from './model-store.contract';
import { tests as nodeStoreTests } from './node-store.contract';
import { tests as runQueueTests } from './run-queue.contract';
import { tests as teacherOutputsStoreTests } from './teacher-outputs-store.contract';

export interface StoreContractOptions {
  /** Per store, the shared tests this driver does not run, by title, each with the reason. */
  skip?: {
    ModelStore?: Record<string, string>;
    DatasetStore?: Record<string, string>;
    ApiKeyStore?: Record<string, string>;
    IdempotencyStore?: Record<string, string>;
    RunQueueStore?: Record<string, string>;
    NodeStore?: Record<string, string>;
    TeacherOutputsStore?: Record<string, string>;
    EnsembleStore?: Record<string, string>;
  };
}

export function tests(driver: StoreDriver, options: StoreContractOptions = {}): void {
  modelStoreTests(driver, { skip: options.skip?.ModelStore });
  datasetStoreTests(driver, { skip: options.skip?.DatasetStore });
  apiKeyStoreTests(driver, { skip: options.skip?.ApiKeyStore });
  idempotencyStoreTests(driver, { skip: options.skip?.IdempotencyStore });
  runQueueTests(driver, { skip: options.skip?.RunQueueStore });
  nodeStoreTests(driver, { skip: options.skip?.NodeStore });
  teacherOutputsStoreTests(driver, { skip: options.skip?.TeacherOutputsStore });
  ensembleStoreTests(driver, { skip: options.skip?.EnsembleStore });
}
