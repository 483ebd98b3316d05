// Statements on drizzle's sqlite-core tables, shared by better-sqlite3 and Cloudflare D1: the same
// schema, the same SQL; only how a statement or a batch is executed differs (see each database).
import { type Column, count, max, type SQL, sql } from 'drizzle-orm';
import type { BaseSQLiteDatabase, SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import {
  type OnConflict,
  type RowValues,
  type SelectOptions,
  selectRowWhere,
  type SqlDialect,
  type SqlStatements,
  type Statement,
  type TableOf,
} from '../sql-database';

/** A drizzle sqlite-core database, synchronous (better-sqlite3) or asynchronous (D1). */
export type AnySqliteDatabase = BaseSQLiteDatabase<'sync' | 'async', unknown>;

/** A drizzle query that can run alone (`all()`) or in a D1 batch; `all()` is synchronous on better-sqlite3. */
export interface SqliteQuery {
  all(): unknown;
}

export interface SqliteStatement<R> extends Statement<R> {
  /** The drizzle query on `db`; built only when the statement runs. */
  readonly build: (db: AnySqliteDatabase) => SqliteQuery;
}

export const sqliteDialect: SqlDialect = {
  jsonArrayContains: (column, value) => sql`exists (select 1 from json_each(${column}) where json_each.value = ${value})`,
  lockRows: sql``,
  lockRowsSkipLocked: sql``,
  nextIdentity: () => sql`null`,
};

const rows = <Row>(raw: unknown) => raw as Row[];

function statement<R>(build: (db: AnySqliteDatabase) => SqliteQuery, read: (raw: unknown) => R): SqliteStatement<R> {
  return { build, read };
}

type InsertQuery = ReturnType<ReturnType<AnySqliteDatabase['insert']>['values']>;

function withConflict<Row>(insert: InsertQuery, onConflict: OnConflict<Row> | undefined): SqliteQuery {
  if (!onConflict) return insert.returning();
  if ('doNothing' in onConflict) return insert.onConflictDoNothing().returning();
  // The target columns belong to a SQLite table, so they are SQLite columns.
  return insert.onConflictDoUpdate({ target: onConflict.target as SQLiteColumn[], set: onConflict.set as never }).returning();
}

export const sqliteStatements: SqlStatements<SQLiteTable> = {
  select: <Row>(table: TableOf<SQLiteTable, Row>, options: SelectOptions = {}) =>
    statement((db) => {
      const query = db
        .select()
        .from(table)
        .where(options.where)
        .orderBy(...(options.orderBy ?? []))
        .$dynamic();
      return options.page ? query.limit(options.page.limit).offset(options.page.offset) : query;
    }, rows<Row>),

  count: (table: SQLiteTable, where?: SQL) =>
    statement(
      (db) => db.select({ n: count() }).from(table).where(where),
      (raw) => (raw as { n: number }[])[0]?.n ?? 0,
    ),

  maxPerGroup: <G, V>(table: SQLiteTable, group: Column, value: Column, where?: SQL) => {
    // The columns belong to a SQLite table, so they are SQLite columns.
    const [groupColumn, valueColumn] = [group as SQLiteColumn, value as SQLiteColumn];
    return statement(
      (db) =>
        db
          .select({ group: groupColumn, max: max(valueColumn) })
          .from(table)
          .where(where)
          .groupBy(groupColumn),
      rows<{ group: G; max: V }>,
    );
  },

  insert: <Row>(table: TableOf<SQLiteTable, Row>, values: RowValues<Row>[], onConflict?: OnConflict<Row>) =>
    statement((db) => withConflict(db.insert(table).values(values as never), onConflict), rows<Row>),

  insertWhere: <Row>(table: TableOf<SQLiteTable, Row>, row: RowValues<Row>, condition: SQL, onConflict?: OnConflict<Row>) =>
    statement(
      (db) => withConflict(db.insert(table).select(selectRowWhere(table, row, condition)) as unknown as InsertQuery, onConflict),
      rows<Row>,
    ),

  update: <Row>(table: TableOf<SQLiteTable, Row>, set: Partial<RowValues<Row>>, where: SQL) =>
    statement((db) => db.update(table).set(set as never).where(where).returning(), rows<Row>),

  delete: <Row>(table: TableOf<SQLiteTable, Row>, where: SQL) =>
    statement((db) => db.delete(table).where(where).returning(), rows<Row>),
};
