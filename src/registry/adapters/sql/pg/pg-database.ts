// SqlDatabase over node-postgres: a pool; a batch is one transaction over exactly its statements.
import { count, type Column, getTableName, max, type SQL, sql } from 'drizzle-orm';
import type { NodePgDatabase, NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgColumn, PgDatabase, PgTable } from 'drizzle-orm/pg-core';
import {
  type ConstraintViolation,
  driverErrorCode,
  type OnConflict,
  type ResultOf,
  type RowValues,
  type SelectOptions,
  selectRowWhere,
  type SqlDatabase,
  type SqlDialect,
  type SqlStatements,
  type Statement,
  type TableOf,
} from '../sql-database';

/** PostgreSQL's SQLSTATE codes for the constraints the domain cares about. */
const VIOLATIONS: Record<string, ConstraintViolation> = {
  '23505': 'unique',
  '23503': 'foreign-key',
};

/** The pool's database, or one transaction of it. */
type AnyPgDatabase = PgDatabase<NodePgQueryResultHKT>;

interface PgStatement<R> extends Statement<R> {
  /** The drizzle query on `db` (the pool, or the batch's transaction); built only when it runs. */
  readonly build: (db: AnyPgDatabase) => PromiseLike<unknown>;
}

const rows = <Row>(raw: unknown) => raw as Row[];

function statement<R>(build: (db: AnyPgDatabase) => PromiseLike<unknown>, read: (raw: unknown) => R): PgStatement<R> {
  return { build, read };
}

type InsertQuery = ReturnType<ReturnType<AnyPgDatabase['insert']>['values']>;

function withConflict<Row>(insert: InsertQuery, onConflict: OnConflict<Row> | undefined): PromiseLike<unknown> {
  if (!onConflict) return insert.returning();
  if ('doNothing' in onConflict) return insert.onConflictDoNothing().returning();
  // The target columns belong to a PostgreSQL table, so they are PostgreSQL columns.
  return insert.onConflictDoUpdate({ target: onConflict.target as PgColumn[], set: onConflict.set as never }).returning();
}

/** In a select list a parameter has no type to take from a column, so it is cast to its column's. */
const castToColumn = (value: SQL, column: Column) => sql`${value}::${sql.raw(column.getSQLType())}`;

const pgStatements: SqlStatements<PgTable> = {
  select: <Row>(table: TableOf<PgTable, Row>, options: SelectOptions = {}) =>
    statement((db) => {
      const query = db
        .select()
        // Widened to a plain PgTable: pg-core's `from` cannot decide its subquery check on a generic table.
        .from(table as PgTable)
        .where(options.where)
        .orderBy(...(options.orderBy ?? []))
        .$dynamic();
      return options.page ? query.limit(options.page.limit).offset(options.page.offset) : query;
    }, rows<Row>),

  count: (table: PgTable, where?: SQL) =>
    statement(
      (db) => db.select({ n: count() }).from(table).where(where),
      (raw) => (raw as { n: number }[])[0]?.n ?? 0,
    ),

  maxPerGroup: <G, V>(table: PgTable, group: Column, value: Column, where?: SQL) => {
    // The columns belong to a PostgreSQL table, so they are PostgreSQL columns.
    const [groupColumn, valueColumn] = [group as PgColumn, value as PgColumn];
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

  insert: <Row>(table: TableOf<PgTable, Row>, values: RowValues<Row>[], onConflict?: OnConflict<Row>) =>
    statement((db) => withConflict(db.insert(table).values(values as never), onConflict), rows<Row>),

  insertWhere: <Row>(table: TableOf<PgTable, Row>, row: RowValues<Row>, condition: SQL, onConflict?: OnConflict<Row>) =>
    statement(
      (db) => withConflict(db.insert(table).select(selectRowWhere(table, row, condition, castToColumn)) as unknown as InsertQuery, onConflict),
      rows<Row>,
    ),

  update: <Row>(table: TableOf<PgTable, Row>, set: Partial<RowValues<Row>>, where: SQL) =>
    statement((db) => db.update(table).set(set as never).where(where).returning(), rows<Row>),

  delete: <Row>(table: TableOf<PgTable, Row>, where: SQL) =>
    statement((db) => db.delete(table).where(where).returning(), rows<Row>),
};

const pgDialect: SqlDialect = {
  jsonArrayContains: (column, value) => sql`${column} @> ${JSON.stringify([value])}::jsonb`,
  lockRows: sql`for update`,
  lockRowsSkipLocked: sql`for update skip locked`,
  nextIdentity: (table, column) => sql`nextval(pg_get_serial_sequence(${getTableName(table)}, ${column.name}))`,
};

export class PgDatabaseAdapter implements SqlDatabase<PgTable> {
  readonly statements = pgStatements;
  readonly dialect = pgDialect;

  constructor(
    private readonly db: NodePgDatabase,
    private readonly closePool: () => Promise<void>,
  ) {}

  async run<R>(statement: Statement<R>): Promise<R> {
    return execute(this.db, statement);
  }

  async batch<const S extends readonly Statement<unknown>[]>(statements: S): Promise<{ -readonly [K in keyof S]: ResultOf<S[K]> }> {
    const results = await this.db.transaction(async (tx) => {
      const done: unknown[] = [];
      // In order, each awaited only to send the next: the statements were all built before the first ran.
      for (const each of statements) done.push(await execute(tx, each));
      return done;
    });
    return results as { -readonly [K in keyof S]: ResultOf<S[K]> };
  }

  violation(error: unknown): ConstraintViolation | null {
    return VIOLATIONS[driverErrorCode(error) ?? ''] ?? null;
  }

  close(): Promise<void> {
    return this.closePool();
  }
}

async function execute<R>(db: AnyPgDatabase, statement: Statement<R>): Promise<R> {
  const { build, read } = statement as PgStatement<R>;
  return read(await build(db));
}
