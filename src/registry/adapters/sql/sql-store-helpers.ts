// Small steps every SQL store shares: picking rows, naming what is missing, and turning a driver's
// constraint errors into the registry's errors.
import { and, inArray, type SQL, type Table } from 'drizzle-orm';
import type { DistilleryError } from '../../../errors';
import { NotFoundError } from '../../errors';
import type { ConstraintViolation, SqlDatabase, TableOf } from './sql-database';

export type ViolationErrors = Partial<Record<ConstraintViolation, () => DistilleryError>>;

/** Awaits `work` and turns the driver's constraint errors into the registry's, as `errors` says; others pass through. */
export async function mapViolations<R>(db: Pick<SqlDatabase<Table>, 'violation'>, work: Promise<R>, errors: ViolationErrors): Promise<R> {
  try {
    return await work;
  } catch (error) {
    const violation = db.violation(error);
    const registryError = violation && errors[violation]?.();
    if (registryError) throw Object.assign(registryError, { cause: error });
    throw error;
  }
}

/** `and` of conditions that are all present, which is never empty. */
export function allOf(condition: SQL, ...more: SQL[]): SQL {
  return and(condition, ...more) ?? condition;
}

export function first<Row>(rows: Row[]): Row | null {
  return rows[0] ?? null;
}

export function notFound(what: string, id: string): never {
  throw new NotFoundError(`${what} ${id} not found`, { id });
}

export function unique(values: string[]): string[] {
  return [...new Set(values)];
}

export function isString(value: string | null): value is string {
  return value !== null;
}

/** The `ids` that `table` does not hold: what a refused foreign key referred to. */
export async function missingIds<T extends Table, Row extends { id: string }>(db: SqlDatabase<T>, table: TableOf<T, Row>, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const found = new Set((await db.run(db.statements.select(table, { where: inArray(table.id, unique(ids)) }))).map((row) => row.id));
  return unique(ids).filter((id) => !found.has(id));
}
