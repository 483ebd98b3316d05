// The registry the dashboard test looks at, built over the API by the server's embedded node: two
// teachers, an ensemble of them with an evaluation, a student distilled from the ensemble, and a long
// run still under way (cancelled by the test when it is done).
import type { components } from '../../openapi/schema';
import { createRun, registerBandDataset, waitForRun, type Run } from '../node/support';
import type { TestServer } from '../support/server';

type CreateRun = components['schemas']['CreateRun'];

export interface DashboardRegistry {
  studentVersion: number;
  ensembleEvaluationId: string;
  runningRunId: string;
  readOnlyKey: string;
}

async function succeeded(server: TestServer, body: CreateRun): Promise<Run> {
  const run = await waitForRun(server, (await createRun(server, body)).id, 90_000);
  if (run.status !== 'succeeded') throw new Error(`run ${run.id} ${run.status}: ${JSON.stringify(run.error)}`);
  return run;
}

export async function buildDashboardRegistry(server: TestServer): Promise<DashboardRegistry> {
  await registerBandDataset(server, 'bands', 300);
  await registerBandDataset(server, 'bands-long', 600);
  for (const seed of [1, 2]) {
    await succeeded(server, { kind: 'train', dataset: { name: 'bands' }, model: 'teacher', architecture: 'mlp', hyperparameters: { epochs: 3, batchSize: 32, seed } });
  }
  await server.client.PUT('/v1/models/{name}/aliases/{alias}', { params: { path: { name: 'teacher', alias: 'production' } }, body: { version: 2 } });
  const ensemble = await server.client.POST('/v1/ensembles', {
    body: { name: 'pair', aggregation: 'mean-probabilities', members: [{ model: 'teacher', version: 1, weight: 1 }, { model: 'teacher', version: 2, weight: 1 }] },
  });
  if (!ensemble.data) throw new Error(`ensemble: ${JSON.stringify(ensemble.error)}`);
  const evaluation = await server.client.POST('/v1/evaluations', { body: { ensemble: 'pair', dataset: { name: 'bands' }, split: 'test' } });
  if (!evaluation.data) throw new Error(`evaluation: ${JSON.stringify(evaluation.error)}`);
  await waitForRun(server, evaluation.data.id, 90_000);
  const student = await succeeded(server, {
    kind: 'distill',
    dataset: { name: 'bands' },
    model: 'student',
    architecture: 'mlp',
    ensemble: 'pair',
    hyperparameters: { epochs: 3, batchSize: 32, seed: 7, temperature: 2, alpha: 0.1 },
  });
  const { data: studentVersions } = await server.client.GET('/v1/models/{name}/versions', { params: { path: { name: 'student' } } });
  const studentVersion = studentVersions!.items.find((version) => version.sourceRunId === student.id)!.version;
  // Long enough to be under way through the whole test (500 epochs of 68 batches), with a batch event a second.
  const running = await createRun(server, { kind: 'train', dataset: { name: 'bands-long' }, model: 'long', architecture: 'mlp', hyperparameters: { epochs: 500, batchSize: 8, seed: 3 } });
  await waitForRun(server, running.id, 60_000, (run) => run.status === 'running' && (run.progress?.epoch ?? 0) >= 1);
  const reader = await server.client.POST('/v1/keys', { body: { name: 'dashboard-reader', scopes: ['read'] } });
  return { studentVersion, ensembleEvaluationId: evaluation.data.id, runningRunId: running.id, readOnlyKey: reader.data!.token };
}
