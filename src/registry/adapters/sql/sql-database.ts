// The small, dialect-neutral surface the shared SQL repository runs on. Each dialect (SQLite,
// PostgreSQL) implements it once over its own drizzle database and tables; everything above it —
// version numbering, lineage checks, error mapping, row mapping — is written once.
import type { Column, SQL, Table } from 'drizzle-orm';

/**
 * One dialect's table as the shared code sees it: a drizzle table of dialect `T` whose columns
 * are named by the fields of `Row` and whose selected rows are `Row` (checked by the compiler
 * against each schema, so both schemas must describe the same logical table).
 */
export type TableOf<T extends Table, Row> = T & { readonly [K in keyof Row]-?: Column } & { readonly $inferSelect: Row };

export interface SelectOptions {
  where?: SQL;
  orderBy?: SQL[];
  /** `limit` and `offset` go together: a page. */
  page?: { limit: number; offset: number };
  /**
   * Lock the selected rows until the transaction ends (PostgreSQL `FOR UPDATE`). SQLite needs no
   * row lock: its transactions begin IMMEDIATE, holding the database's single write lock.
   */
  forUpdate?: boolean;
}

/** On a unique `target` already taken: skip the row, or update the existing one (values may be SQL on its columns). */
export type OnConflict<Row> =
  | { doNothing: true }
  | { target: Column[]; set: { [K in keyof Row]?: Row[K] | SQL } };

/** Statements against one dialect's tables; inside `transaction` they share that transaction. */
export interface SqlStatements<T extends Table> {
  select<Row>(table: TableOf<T, Row>, options?: SelectOptions): Promise<Row[]>;
  count(table: T, where?: SQL): Promise<number>;
  /** Inserts the rows and returns those written (inserted or, on conflict, updated). */
  insert<Row>(table: TableOf<T, Row>, rows: Row[], onConflict?: OnConflict<Row>): Promise<Row[]>;
  /** Updates the matching rows and returns them as they are afterwards. */
  update<Row>(table: TableOf<T, Row>, set: Partial<Row>, where: SQL): Promise<Row[]>;
  /** Deletes the matching rows and returns them. */
  delete<Row>(table: TableOf<T, Row>, where: SQL): Promise<Row[]>;
}

/** What a violated constraint means, as far as the domain cares. */
export type ConstraintViolation = 'unique' | 'foreign-key';

export interface SqlDatabase<T extends Table> {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<R>(work: (statements: SqlStatements<T>) => Promise<R>): Promise<R>;
  /** Runs `work` without a transaction: for reads, and writes that are one statement. */
  run<R>(work: (statements: SqlStatements<T>) => Promise<R>): Promise<R>;
  /** The constraint a driver error reports as violated, or null for any other error. */
  violation(error: unknown): ConstraintViolation | null;
  close(): Promise<void>;
}

/** The driver's error code, looked for through drizzle's `DrizzleQueryError` wrapper (its `cause`). */
export function driverErrorCode(error: unknown): string | null {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return null;
}
