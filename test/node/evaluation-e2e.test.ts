// Evaluations end to end over real HTTP with the server's embedded training node: two tiny models
// trained on band images, one evaluated through an alias on the test split and an ensemble of both on
// the reference validation hold-out; every metric present and in range, the members' numbers beside
// the ensemble's, the version showing its latest evaluation; bad requests refused with nothing queued.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { components } from '../../openapi/schema';
import { smallIdxFiles } from '../registry/datasets-fixtures';
import { datasetUploadForm } from '../support/requests';
import { startTestServer, type TestServer } from '../support/server';
import { BAND_LABELS } from './fixtures';
import { createRun, registerBandDataset, waitForRun } from './support';

type Evaluation = components['schemas']['Evaluation'];

const TRAIN_COUNT = 300;
const TEST_COUNT = 60;

let server: TestServer;
const versionIds: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ config: { embeddedNodes: 1 }, env: { DISTILLERY_BACKEND: 'cpu' } });
  await registerBandDataset(server, 'bands', TRAIN_COUNT);
  const digits = await server.fetch('/v1/datasets', { method: 'POST', body: datasetUploadForm({ name: 'digits', format: 'idx', class_labels: '["a","b","c"]' }, smallIdxFiles()) });
  expect(digits.status).toBe(201);
  for (const seed of [0, 1]) {
    const created = await createRun(server, { kind: 'train', dataset: { name: 'bands' }, model: 'banded', architecture: 'mlp', hyperparameters: { epochs: 2, batchSize: 32, seed } });
    const run = await waitForRun(server, created.id);
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    versionIds.push(run.resultVersionId!);
  }
  await server.client.PUT('/v1/models/{name}/aliases/{alias}', { params: { path: { name: 'banded', alias: 'production' } }, body: { version: 1 } });
  const model = (await server.deps.repo.getModelByName('banded'))!;
  const now = new Date().toISOString();
  await server.deps.repo.createEnsemble({
    id: crypto.randomUUID(),
    name: 'banded-pair',
    description: '',
    aggregation: 'weighted',
    tags: {},
    members: versionIds.map((versionId, position) => ({ position, modelId: model.id, versionId, alias: null, weight: position === 0 ? 3 : 1 })),
    createdAt: now,
  });
}, 120_000);
afterAll(() => server?.close());

const post = (body: unknown) => server.fetch('/v1/evaluations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function finished(response: Response): Promise<Evaluation> {
  expect(response.status).toBe(202);
  const queued = (await response.json()) as Evaluation;
  expect(queued).toMatchObject({ status: 'queued', metrics: null, reliability: null, confusionMatrix: null, finishedAt: null });
  expect(response.headers.get('location')).toBe(`/v1/evaluations/${queued.id}`);
  const run = await waitForRun(server, queued.id);
  expect(run, JSON.stringify(run.error)).toMatchObject({ kind: 'evaluate', status: 'succeeded' });
  const read = await server.fetch(response.headers.get('location')!);
  expect(read.status).toBe(200);
  const evaluation = (await read.json()) as Evaluation;
  expect(run.result).toEqual(evaluation.metrics);
  return evaluation;
}

/** Every number present and in range, the bins and the confusion matrix holding every example. */
function expectCompleteReport(evaluation: Evaluation, count: number): void {
  const metrics = evaluation.metrics!;
  expect(metrics.count).toBe(count);
  for (const value of [metrics.accuracy, metrics.ece]) {
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThanOrEqual(1);
  }
  expect(metrics.nll).toBeGreaterThanOrEqual(0);
  expect(metrics.accuracy).toBeGreaterThan(0.5);
  const bins = evaluation.reliability!;
  expect(bins).toHaveLength(15);
  expect(bins.reduce((sum, bin) => sum + bin.count, 0)).toBe(count);
  const ece = bins.reduce((sum, bin) => (bin.count === 0 ? sum : sum + (bin.count / count) * Math.abs(bin.accuracy! - bin.confidence!)), 0);
  expect(ece).toBeCloseTo(metrics.ece, 6);
  const matrix = evaluation.confusionMatrix!;
  expect(matrix).toHaveLength(BAND_LABELS.length);
  expect(matrix.flat().reduce((a, b) => a + b, 0)).toBe(count);
  expect(matrix.reduce((right, row, c) => right + row[c]!, 0) / count).toBeCloseTo(metrics.accuracy, 9);
  expect(evaluation.perClassAccuracy!.map((entry) => entry.label)).toEqual(BAND_LABELS);
  for (const [c, entry] of evaluation.perClassAccuracy!.entries()) {
    expect(entry.count).toBe(matrix[c]!.reduce((a, b) => a + b, 0));
    expect(entry.accuracy).toBe(entry.count === 0 ? null : matrix[c]![c]! / entry.count);
  }
}

describe('evaluations', () => {
  let versionEvaluation: Evaluation;

  it('evaluates a version through its alias on the test split (the default)', async () => {
    versionEvaluation = await finished(await post({ version: { model: 'banded', version: 'production' }, dataset: { name: 'bands' } }));
    expect(versionEvaluation).toMatchObject({
      target: { kind: 'version', model: 'banded', version: 1, versionId: versionIds[0] },
      dataset: { name: 'bands', version: 1 },
      split: 'test',
      members: [{ versionId: versionIds[0], model: 'banded', version: 1, weight: 1 }],
      memberMetrics: null,
      error: null,
      finishedAt: expect.any(String),
    });
    expectCompleteReport(versionEvaluation, TEST_COUNT);
  });

  it('evaluates an ensemble on the reference validation hold-out, each member scored beside it', async () => {
    const evaluation = await finished(await post({ ensemble: 'banded-pair', dataset: { name: 'bands' }, split: 'validation' }));
    expect(evaluation).toMatchObject({
      target: { kind: 'ensemble', name: 'banded-pair', revision: 1, aggregation: 'weighted' },
      split: 'validation',
      members: [
        { versionId: versionIds[0], version: 1, weight: 0.75 },
        { versionId: versionIds[1], version: 2, weight: 0.25 },
      ],
    });
    expectCompleteReport(evaluation, TRAIN_COUNT / 10);
    expect(evaluation.memberMetrics!.map(({ versionId, model, version }) => ({ versionId, model, version }))).toEqual([
      { versionId: versionIds[0], model: 'banded', version: 1 },
      { versionId: versionIds[1], model: 'banded', version: 2 },
    ]);
    for (const member of evaluation.memberMetrics!) {
      expect(member.count).toBe(TRAIN_COUNT / 10);
      expect(member.accuracy).toBeGreaterThanOrEqual(0);
      expect(member.accuracy).toBeLessThanOrEqual(1);
      expect(member.nll).toBeGreaterThanOrEqual(0);
    }
    const { data } = await server.client.GET('/v1/evaluations', { params: { query: { ensemble: 'banded-pair' } } });
    expect(data).toMatchObject({ total: 1, items: [{ id: evaluation.id }] });
  });

  it('shows the version its latest evaluation, and lists the version\'s evaluations newest first', async () => {
    const newer = await finished(await post({ version: { model: 'banded', version: 1 }, dataset: { name: 'bands' }, split: 'train' }));
    expectCompleteReport(newer, TRAIN_COUNT);
    const { data: version } = await server.client.GET('/v1/models/{name}/versions/{version}', { params: { path: { name: 'banded', version: '1' } } });
    expect(version!.latestEvaluation).toEqual({
      id: newer.id,
      dataset: newer.dataset,
      split: 'train',
      accuracy: newer.metrics!.accuracy,
      nll: newer.metrics!.nll,
      ece: newer.metrics!.ece,
      createdAt: expect.any(String),
    });
    const { data: other } = await server.client.GET('/v1/models/{name}/versions/{version}', { params: { path: { name: 'banded', version: '2' } } });
    expect(other!.latestEvaluation).toBeNull();
    const { data: listed } = await server.client.GET('/v1/evaluations', { params: { query: { model: 'banded', version: 'production' } } });
    expect(listed!.items.map((item) => item.id)).toEqual([newer.id, versionEvaluation.id]);
    expect(listed!.total).toBe(2);
  });

  it('404s an id that is no evaluation: another kind of run, or no run at all', async () => {
    const notEvaluation = (await server.client.GET('/v1/runs', { params: { query: { kind: 'train' } } })).data!.items[0]!.id;
    expect((await server.fetch(`/v1/evaluations/${notEvaluation}`)).status).toBe(404);
    expect((await server.fetch(`/v1/evaluations/${crypto.randomUUID()}`)).status).toBe(404);
  });
});

const runCount = async () => (await server.client.GET('/v1/runs', { params: { query: { limit: 1 } } })).data!.total;

/** Each: what is wrong, the request, the status and the field the problem must name. */
const REFUSED: [string, unknown, number, string][] = [
  ['an unknown model', { version: { model: 'nobody', version: 1 }, dataset: { name: 'bands' } }, 422, 'version.model'],
  ['an unknown version', { version: { model: 'banded', version: 9 }, dataset: { name: 'bands' } }, 422, 'version.version'],
  ['an unknown alias', { version: { model: 'banded', version: 'staging' }, dataset: { name: 'bands' } }, 422, 'version.version'],
  ['an unknown ensemble', { ensemble: 'no-such-ensemble', dataset: { name: 'bands' } }, 422, 'ensemble'],
  ['an unknown dataset', { ensemble: 'banded-pair', dataset: { name: 'no-such-data' } }, 422, 'dataset.name'],
  ['an unknown dataset version', { ensemble: 'banded-pair', dataset: { name: 'bands', version: 4 } }, 422, 'dataset.version'],
  ['both a version and an ensemble', { version: { model: 'banded', version: 1 }, ensemble: 'banded-pair', dataset: { name: 'bands' } }, 422, 'ensemble'],
  ['neither a version nor an ensemble', { dataset: { name: 'bands' } }, 422, 'version'],
  ['a bad split', { version: { model: 'banded', version: 1 }, dataset: { name: 'bands' }, split: 'holdout' }, 422, 'split'],
  ['a version whose shape does not fit the dataset', { version: { model: 'banded', version: 1 }, dataset: { name: 'digits' } }, 422, 'version'],
  ['an ensemble whose shape does not fit the dataset', { ensemble: 'banded-pair', dataset: { name: 'digits' } }, 422, 'ensemble'],
  ['an unknown field', { version: { model: 'banded', version: 1 }, dataset: { name: 'bands' }, epochs: 3 }, 422, 'epochs'],
];

describe('refusals', () => {
  it.each(REFUSED)('refuses %s, naming the field and queueing nothing', async (_, body, status, path) => {
    const before = await runCount();
    const response = await post(body);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await response.json()) as { errors: { path: string }[] }).errors).toContainEqual(expect.objectContaining({ path }));
    expect(await runCount()).toBe(before);
  });

  it('404s a list filter naming an unknown version, 422s a version without its model', async () => {
    expect((await server.fetch('/v1/evaluations?model=banded&version=9')).status).toBe(404);
    expect((await server.fetch('/v1/evaluations?model=nobody&version=1')).status).toBe(404);
    expect((await server.fetch('/v1/evaluations?version=1')).status).toBe(422);
  });
});
