// The small, dialect-neutral surface the shared SQL stores run on. Each dialect (SQLite, D1,
// PostgreSQL) implements it once over its own drizzle database and tables; everything above it —
// version numbering, lineage checks, error mapping, row mapping — is written once. There are no
// interactive transactions (D1 has none): a write is one statement, or one batch of statements
// built before any of them runs, applied all or nothing.
import { type Column, getTableColumns, is, SQL, sql, type Table } from 'drizzle-orm';

/**
 * One dialect's table as the shared code sees it: a drizzle table of dialect `T` whose columns
 * are named by the fields of `Row` and whose selected rows are `Row` (checked by the compiler
 * against each schema, so both schemas must describe the same logical table).
 */
export type TableOf<T extends Table, Row> = T & { readonly [K in keyof Row]-?: Column } & { readonly $inferSelect: Row };

/** A row to write: each field its value, or SQL computing it in the statement (a counter, a COALESCE). */
export type RowValues<Row> = { [K in keyof Row]: Row[K] | SQL };

export interface SelectOptions {
  where?: SQL;
  orderBy?: SQL[];
  /** `limit` and `offset` go together: a page. */
  page?: { limit: number; offset: number };
}

/** On a unique `target` already taken: skip the row, or update the existing one (values may be SQL on its columns). */
export type OnConflict<Row> =
  | { doNothing: true }
  | { target: Column[]; set: { [K in keyof Row]?: Row[K] | SQL } };

/** A statement built but not run yet: `SqlDatabase.run` runs it alone, `batch` with others. */
export interface Statement<R> {
  /** Turns what the driver returned for this statement into its result. */
  readonly read: (raw: unknown) => R;
}

export type ResultOf<S> = S extends Statement<infer R> ? R : never;

/** Builds statements against one dialect's tables; every write returns the rows it wrote. */
export interface SqlStatements<T extends Table> {
  select<Row>(table: TableOf<T, Row>, options?: SelectOptions): Statement<Row[]>;
  count(table: T, where?: SQL): Statement<number>;
  /**
   * `select group, max(value) … group by group` over the rows of `table` matching `where`: the
   * greatest `value` of each distinct `group` that has a row, in no particular order. `G` and `V`
   * are what the two columns hold.
   */
  maxPerGroup<G, V>(table: T, group: Column, value: Column, where?: SQL): Statement<{ group: G; max: V }[]>;
  /** Inserts the rows and returns those written (inserted or, on conflict, updated). */
  insert<Row>(table: TableOf<T, Row>, rows: RowValues<Row>[], onConflict?: OnConflict<Row>): Statement<Row[]>;
  /** Inserts `row` only when `condition` holds (`INSERT … SELECT … WHERE`); returns it, or nothing. */
  insertWhere<Row>(table: TableOf<T, Row>, row: RowValues<Row>, condition: SQL, onConflict?: OnConflict<Row>): Statement<Row[]>;
  /** Updates the matching rows and returns them as they are afterwards. */
  update<Row>(table: TableOf<T, Row>, set: Partial<RowValues<Row>>, where: SQL): Statement<Row[]>;
  /** Deletes the matching rows and returns them. */
  delete<Row>(table: TableOf<T, Row>, where: SQL): Statement<Row[]>;
}

/** The few SQL fragments that differ between dialects. */
export interface SqlDialect {
  /** True when `column`, a JSON array of strings, holds `value`. */
  jsonArrayContains(column: Column, value: string): SQL;
  /**
   * Ends a sub-select whose rows must stay as read until the statement's write is done:
   * `FOR UPDATE` on PostgreSQL, where concurrent writers interleave; nothing on SQLite and D1,
   * where writes take turns on the whole database.
   */
  readonly lockRows: SQL;
  /**
   * Ends a sub-select picking one row to take among many (the next queued run): `FOR UPDATE SKIP
   * LOCKED` on PostgreSQL, so concurrent takers each lock a different row instead of queueing
   * on the same one; nothing on SQLite and D1.
   */
  readonly lockRowsSkipLocked: SQL;
  /**
   * The value that makes the database number a new row, where a statement must name every column
   * (`insertWhere`): NULL for SQLite's integer primary key, the column's sequence on PostgreSQL
   * (an identity `by default`, since one `always` refuses any value).
   */
  nextIdentity(table: Table, column: Column): SQL;
}

/** What a violated constraint means, as far as the domain cares. */
export type ConstraintViolation = 'unique' | 'foreign-key';

export interface SqlDatabase<T extends Table> {
  readonly statements: SqlStatements<T>;
  readonly dialect: SqlDialect;
  run<R>(statement: Statement<R>): Promise<R>;
  /**
   * Runs the statements in order as one unit: all applied, or (when one fails) none. No code runs
   * between them, so a statement's conditions, not the caller, decide what it writes.
   */
  batch<const S extends readonly Statement<unknown>[]>(statements: S): Promise<{ -readonly [K in keyof S]: ResultOf<S[K]> }>;
  /** The constraint a driver error reports as violated, or null for any other error. */
  violation(error: unknown): ConstraintViolation | null;
  close(): Promise<void>;
}

/** `error` and its causes, outermost first: drizzle wraps a driver's error in a `DrizzleQueryError` (its `cause`). */
export function* errorChain(error: unknown): Generator<Error> {
  for (let current = error; current instanceof Error; current = current.cause) yield current;
}

/** The driver's error code, looked for through drizzle's wrapper. */
export function driverErrorCode(error: unknown): string | null {
  for (const current of errorChain(error)) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return null;
}

/**
 * `select <row's values> where <condition>`, the values in the order of the table's columns (the
 * order drizzle's `insert … select` names them), each encoded as its column encodes it. `typed`
 * lets a dialect that must be told a parameter's type (PostgreSQL, in a select list) cast it.
 */
export function selectRowWhere<Row>(
  table: Table,
  row: RowValues<Row>,
  condition: SQL,
  typed: (value: SQL, column: Column) => SQL = (value) => value,
): SQL {
  const values = Object.entries(getTableColumns(table)).map(([field, column]) => {
    const value = (row as Record<string, unknown>)[field] ?? null;
    return is(value, SQL) ? value : typed(sql`${sql.param(value, column)}`, column);
  });
  return sql`select ${sql.join(values, sql`, `)} where ${condition}`;
}
