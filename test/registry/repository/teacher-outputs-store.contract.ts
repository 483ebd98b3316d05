// The TeacherOutputsStore contract: every SQL driver must pass it.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { UnprocessableError } from '../../../src/registry/errors';
import type { TeacherOutputsRecord } from '../../../src/registry/ports';
import { type ContractOptions, describeContract, type StoreDriver } from './contract-suite';
import { newDataset, newModel, newVersion, T0, T1 } from './fixtures';

export function tests(driver: StoreDriver, options: ContractOptions = {}): void {
  describeContract('TeacherOutputsStore', driver, options, (test, repo) => {
    async function teacherAndDataset() {
      const model = await repo.createModel(newModel());
      const teacher = await repo.createVersion(newVersion(model.id));
      const dataset = await repo.createDataset(newDataset());
      return { teacherVersionId: teacher.id, datasetId: dataset.id };
    }

    const record = (refs: { teacherVersionId: string; datasetId: string }, overrides: Partial<TeacherOutputsRecord> = {}): TeacherOutputsRecord => {
      const key = randomUUID().replaceAll('-', '').repeat(2);
      return {
        key,
        ...refs,
        normalization: { mean: [0.5], std: [0.5] },
        blob: { key: `teacher-outputs/${key}`, sha256: 'a'.repeat(64), size: 4_800_000_000 },
        createdAt: T0,
        ...overrides,
      };
    };

    test('stores teacher outputs once under their key: a second record keeps the first', async () => {
      const refs = await teacherAndDataset();
      const first = record(refs);
      expect(await repo.getTeacherOutputs(first.key)).toBeNull();
      expect(await repo.recordTeacherOutputs(first)).toEqual(first);
      expect(await repo.getTeacherOutputs(first.key)).toEqual(first);
      const second = { ...first, blob: { ...first.blob, key: `${first.blob.key}-again`, sha256: 'b'.repeat(64) }, createdAt: T1 };
      expect(await repo.recordTeacherOutputs(second)).toEqual(first);
      expect(await repo.getTeacherOutputs(first.key)).toEqual(first);
    });

    test('refuses outputs of a teacher version or dataset that does not exist, and stores nothing', async () => {
      const refs = await teacherAndDataset();
      for (const missing of [{ ...refs, teacherVersionId: randomUUID() }, { ...refs, datasetId: randomUUID() }]) {
        const orphan = record(missing);
        await expect(repo.recordTeacherOutputs(orphan)).rejects.toBeInstanceOf(UnprocessableError);
        expect(await repo.getTeacherOutputs(orphan.key)).toBeNull();
      }
    });
  });
}
