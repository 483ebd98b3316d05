// The EvaluationStore contract: every SQL driver must pass it. The database is shared with the other
// suites, so each test makes its own runs, versions and dataset and filters by them.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { UnprocessableError } from '../../../src/registry/errors';
import type { EvaluationRecord } from '../../../src/registry/records';
import { type ContractOptions, describeContract, type StoreDriver } from './contract-suite';
import { newDataset, newModel, newRun, newVersion, T0, T1, T2 } from './fixtures';

const PAGE = { limit: 100, offset: 0 };

export function tests(driver: StoreDriver, options: ContractOptions = {}): void {
  describeContract('EvaluationStore', driver, options, (test, repo) => {
    async function twoVersionsAndADataset() {
      const model = await repo.createModel(newModel());
      const first = await repo.createVersion(newVersion(model.id));
      const second = await repo.createVersion(newVersion(model.id));
      const dataset = await repo.createDataset(newDataset());
      return { versionIds: [first.id, second.id] as const, datasetId: dataset.id };
    }

    /** An evaluation of `target` with its evaluate run stored first (the evaluation's id is the run's). */
    async function evaluation(
      target: { versionId: string } | { ensembleName: string },
      datasetId: string,
      createdAt: string,
      overrides: Partial<EvaluationRecord> = {},
    ): Promise<EvaluationRecord> {
      const { run } = await repo.enqueueRun(newRun({ kind: 'evaluate', spec: {}, model: null }));
      const ensemble = 'ensembleName' in target;
      return {
        id: run.id,
        versionId: ensemble ? null : target.versionId,
        ensembleId: null,
        ensembleName: ensemble ? target.ensembleName : null,
        datasetId,
        split: 'test',
        aggregation: ensemble ? 'majority-vote' : null,
        members: [{ versionId: randomUUID(), model: 'teacher', version: 1, weight: 1 }],
        accuracy: 0.8125,
        nll: 0.4375,
        ece: 0.0625,
        count: 16,
        report: { confusionMatrix: [[8, 1], [2, 5]], reliability: [{ lower: 0, upper: 1, count: 16, accuracy: 0.8125, confidence: 0.75 }] },
        createdAt,
        ...overrides,
      };
    }

    test('records an evaluation once: a second record under its id keeps the first', async () => {
      const { versionIds, datasetId } = await twoVersionsAndADataset();
      const stored = await evaluation({ versionId: versionIds[0] }, datasetId, T0);
      expect(await repo.getEvaluation(stored.id)).toBeNull();
      expect(await repo.recordEvaluation(stored)).toEqual(stored);
      expect(await repo.getEvaluation(stored.id)).toEqual(stored);
      const retried = { ...stored, accuracy: 0.25, report: {}, createdAt: T1 };
      expect(await repo.recordEvaluation(retried)).toEqual(stored);
      expect(await repo.getEvaluation(stored.id)).toEqual(stored);
    });

    test('refuses an evaluation of a run, version or dataset that does not exist, and stores nothing', async () => {
      const { versionIds, datasetId } = await twoVersionsAndADataset();
      const orphans = [
        { ...(await evaluation({ versionId: versionIds[0] }, datasetId, T0)), id: randomUUID() },
        await evaluation({ versionId: randomUUID() }, datasetId, T0),
        await evaluation({ versionId: versionIds[0] }, randomUUID(), T0),
      ];
      for (const orphan of orphans) {
        await expect(repo.recordEvaluation(orphan)).rejects.toBeInstanceOf(UnprocessableError);
        expect(await repo.getEvaluation(orphan.id)).toBeNull();
      }
    });

    test('lists evaluations newest first, by version or by ensemble name, with the total', async () => {
      const { versionIds, datasetId } = await twoVersionsAndADataset();
      const ensembleName = `ensemble-${randomUUID()}`;
      const older = await repo.recordEvaluation(await evaluation({ versionId: versionIds[0] }, datasetId, T0));
      const newer = await repo.recordEvaluation(await evaluation({ versionId: versionIds[0] }, datasetId, T2, { split: 'validation' }));
      const other = await repo.recordEvaluation(await evaluation({ versionId: versionIds[1] }, datasetId, T1));
      const ensemble = await repo.recordEvaluation(await evaluation({ ensembleName }, datasetId, T1, { split: 'train' }));

      expect(await repo.listEvaluations({ versionId: versionIds[0] }, PAGE)).toEqual({ items: [newer, older], total: 2 });
      expect(await repo.listEvaluations({ versionId: versionIds[1] }, PAGE)).toEqual({ items: [other], total: 1 });
      expect(await repo.listEvaluations({ ensembleName }, PAGE)).toEqual({ items: [ensemble], total: 1 });
      expect(await repo.listEvaluations({ versionId: versionIds[0], ensembleName }, PAGE)).toEqual({ items: [], total: 0 });
      expect(await repo.listEvaluations({ versionId: versionIds[0] }, { limit: 1, offset: 1 })).toEqual({ items: [older], total: 2 });

      const all = await repo.listEvaluations({}, { limit: 1000, offset: 0 });
      expect(all.total).toBeGreaterThanOrEqual(4);
      const createdAts = all.items.map((item) => item.createdAt);
      expect(createdAts).toEqual([...createdAts].sort().reverse());
    });

    test('gives the newest evaluation of each version asked for, leaving out versions with none', async () => {
      const { versionIds, datasetId } = await twoVersionsAndADataset();
      const unevaluated = (await twoVersionsAndADataset()).versionIds[0];
      await repo.recordEvaluation(await evaluation({ versionId: versionIds[0] }, datasetId, T0));
      const newest = await repo.recordEvaluation(await evaluation({ versionId: versionIds[0] }, datasetId, T2));
      await repo.recordEvaluation(await evaluation({ versionId: versionIds[0] }, datasetId, T1));
      const onlyOne = await repo.recordEvaluation(await evaluation({ versionId: versionIds[1] }, datasetId, T1));

      const latest = await repo.latestEvaluations([versionIds[1], versionIds[0], unevaluated, versionIds[0]]);
      expect(latest).toHaveLength(2);
      expect(latest).toEqual(expect.arrayContaining([newest, onlyOne]));
      expect(await repo.latestEvaluations([unevaluated])).toEqual([]);
      expect(await repo.latestEvaluations([])).toEqual([]);
    });
  });
}
