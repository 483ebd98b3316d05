// The EvaluationStore port on SQL, for every dialect: one insert that skips an id already stored,
// then a read of the stored row, so a retried completion gets the evaluation written first.
import { and, desc, eq, inArray, type SQL, sql, type Table } from 'drizzle-orm';
import { UnprocessableError } from '../../errors';
import type { EvaluationFilter, EvaluationStore, Page } from '../../ports';
import type { EvaluationRecord } from '../../records';
import type { RegistryTables } from './rows';
import type { SqlDatabase } from './sql-database';
import { first, mapViolations, unique } from './sql-store-helpers';

export function sqlEvaluationStore<T extends Table>(db: SqlDatabase<T>, t: RegistryTables<T>): EvaluationStore {
  const s = db.statements;
  const { evaluations } = t;
  const newestFirst = [desc(evaluations.createdAt), desc(evaluations.id)];

  async function getEvaluation(id: string): Promise<EvaluationRecord | null> {
    return first(await db.run(s.select(evaluations, { where: eq(evaluations.id, id) })));
  }

  /** The id of the newest evaluation of the outer row's version (the inner table is aliased, so `evaluations.*` is the outer row). */
  const column = (name: keyof EvaluationRecord): SQL => sql`latest.${sql.identifier(evaluations[name].name)}`;
  const newestOfItsVersion = sql`(select ${column('id')} from ${evaluations} as latest where ${column('versionId')} = ${evaluations.versionId}
    order by ${column('createdAt')} desc, ${column('id')} desc limit 1)`;

  return {
    getEvaluation,

    async recordEvaluation(evaluation: EvaluationRecord): Promise<EvaluationRecord> {
      const insert = s.insert(evaluations, [evaluation], { doNothing: true });
      const [inserted] = await mapViolations(db, db.run(insert), {
        'foreign-key': () =>
          new UnprocessableError(`evaluation ${evaluation.id}: its run, version, ensemble or dataset does not exist`, {
            id: evaluation.id,
            versionId: evaluation.versionId,
            ensembleId: evaluation.ensembleId,
            datasetId: evaluation.datasetId,
          }),
      });
      if (inserted) return inserted;
      const stored = await getEvaluation(evaluation.id);
      if (!stored) throw new Error(`evaluation ${evaluation.id}: the insert was skipped but nothing is stored under its id`);
      return stored;
    },

    async listEvaluations(filter: EvaluationFilter, page: Page): Promise<{ items: EvaluationRecord[]; total: number }> {
      const where = and(
        filter.versionId === undefined ? undefined : eq(evaluations.versionId, filter.versionId),
        filter.ensembleName === undefined ? undefined : eq(evaluations.ensembleName, filter.ensembleName),
      );
      const [items, total] = await db.batch([s.select(evaluations, { where, orderBy: newestFirst, page }), s.count(evaluations, where)]);
      return { items, total };
    },

    async latestEvaluations(versionIds: string[]): Promise<EvaluationRecord[]> {
      if (versionIds.length === 0) return [];
      const where = and(inArray(evaluations.versionId, unique(versionIds)), sql`${evaluations.id} = ${newestOfItsVersion}`);
      return db.run(s.select(evaluations, { where, orderBy: newestFirst }));
    },
  };
}
