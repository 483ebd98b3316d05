// The TeacherOutputsStore port on SQL, for every dialect: one insert that skips a key already
// stored, then a read of whatever is stored under it, so the first write wins.
import { eq, type Table } from 'drizzle-orm';
import { UnprocessableError } from '../../errors';
import type { TeacherOutputsRecord, TeacherOutputsStore } from '../../ports';
import { type RegistryTables, toTeacherOutputsRecord, toTeacherOutputsRow } from './rows';
import type { SqlDatabase } from './sql-database';
import { first, mapViolations } from './sql-store-helpers';

export function sqlTeacherOutputsStore<T extends Table>(db: SqlDatabase<T>, t: RegistryTables<T>): TeacherOutputsStore {
  const s = db.statements;
  const { teacherOutputs } = t;

  async function getTeacherOutputs(key: string): Promise<TeacherOutputsRecord | null> {
    const row = first(await db.run(s.select(teacherOutputs, { where: eq(teacherOutputs.key, key) })));
    return row && toTeacherOutputsRecord(row);
  }

  return {
    getTeacherOutputs,

    async recordTeacherOutputs(record: TeacherOutputsRecord): Promise<TeacherOutputsRecord> {
      const insert = s.insert(teacherOutputs, [toTeacherOutputsRow(record)], { doNothing: true });
      const [inserted] = await mapViolations(db, db.run(insert), {
        'foreign-key': () =>
          new UnprocessableError(`teacher version ${record.teacherVersionId} or dataset ${record.datasetId} does not exist`, {
            teacherVersionId: record.teacherVersionId,
            datasetId: record.datasetId,
          }),
      });
      if (inserted) return toTeacherOutputsRecord(inserted);
      const stored = await getTeacherOutputs(record.key);
      if (!stored) throw new Error(`teacher outputs ${record.key}: the insert was skipped but nothing is stored under the key`);
      return stored;
    },
  };
}
