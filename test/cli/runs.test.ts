// `distillery runs create|list|get|cancel` as a child process against a real server: flags and
// run.json become the same POST /v1/runs, API problems print with their field (exit 1), usage errors exit 2.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { components } from '../../openapi/schema';
import { startTestServer, type TestServer } from '../support/server';
import { cliJson, runCli, type CliTarget } from './cli-process';
import { registerDigitTeachers, registerDigits } from './fixtures';

type Run = components['schemas']['Run'];
type RunPage = components['schemas']['RunPage'];

let server: TestServer;
let target: CliTarget;
let scratch: string;

beforeAll(async () => {
  server = await startTestServer();
  target = { baseUrl: server.baseUrl, token: server.adminKey };
  scratch = await mkdtemp(join(tmpdir(), 'distillery-cli-'));
  await registerDigits(server);
  await registerDigitTeachers(server, ['teacher-a', 'teacher-b']);
});
afterAll(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

async function storedRuns(): Promise<number> {
  const { data } = await server.client.GET('/v1/runs');
  return data!.total;
}

describe('runs create', () => {
  it('turns the train flags into the run the server queues', async () => {
    const run = await cliJson<Run>(target, [
      'runs', 'create', '--kind', 'train', '--dataset', 'digits@1', '--model', 'cli-trained', '--architecture', 'mlp',
      '--epochs', '3', '--batch-size', '2', '--lr', '0.01', '--optimizer', 'sgd', '--seed', '7', '--augmentation', '--max-attempts', '2',
    ]);
    expect(run).toMatchObject({ kind: 'train', status: 'queued', maxAttempts: 2 });
    expect(run.spec).toMatchObject({
      dataset: { name: 'digits', version: 1 },
      model: 'cli-trained',
      training: { architecture: 'mlp', epochs: 3, batchSize: 2, seed: 7, augmentation: true, optimizer: { name: 'sgd', learningRate: 0.01 } },
    });
    const { data: stored } = await server.client.GET('/v1/runs/{id}', { params: { path: { id: run.id } } });
    expect(stored?.spec).toEqual(run.spec);
  });

  it('takes each --teacher with its weight, the aggregation, temperature and alpha', async () => {
    const run = await cliJson<Run>(target, [
      'runs', 'create', '--kind', 'distill', '--dataset', 'digits', '--model', 'cli-student', '--architecture', 'mlp',
      '--teacher', 'teacher-a@1:3', '--teacher', 'teacher-b@latest:1', '--aggregation', 'weighted', '--temperature', '2', '--alpha', '0.5',
    ]);
    expect(run.spec).toMatchObject({
      teachers: [
        { model: 'teacher-a', version: 1, weight: 3 },
        { model: 'teacher-b', version: 1, weight: 1 },
      ],
      training: { aggregation: 'weighted', temperature: 2, alpha: 0.5, teacherWeights: [3, 1] },
    });
  });

  it('sends run.json as written, and an Idempotency-Key makes a retry the same run', async () => {
    const file = join(scratch, 'run.json');
    const body = { kind: 'distill', dataset: { name: 'digits' }, model: 'cli-file', architecture: 'mlp', teachers: [{ model: 'teacher-a', version: 1 }] };
    await writeFile(file, JSON.stringify(body));
    const first = await runCli(target, ['runs', 'create', '--file', file, '--idempotency-key', 'cli-file-1']);
    expect(first.code).toBe(0);
    const id = /^id:\s+(\S+)$/m.exec(first.stdout)?.[1];
    expect(first.stdout).toMatch(/^status:\s+queued$/m);
    expect(first.stdout).toMatch(/^teachers:\s+teacher-a@1$/m);
    const retry = await cliJson<Run>(target, ['runs', 'create', '--file', file, '--idempotency-key', 'cli-file-1']);
    expect(retry.id).toBe(id);
  });

  it('prints a 422 with the field it names, exits 1 and queues nothing', async () => {
    const before = await storedRuns();
    const result = await runCli(target, ['runs', 'create', '--kind', 'train', '--dataset', 'digits', '--model', 'm', '--architecture', 'mlp', '--epochs', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^distillery: 422 Unprocessable Content: /);
    expect(result.stderr).toMatch(/^ {2}body hyperparameters\.epochs: /m);
    expect(await storedRuns()).toBe(before);
  });

  it('refuses a bad command line with exit 2 and sends nothing', async () => {
    const before = await storedRuns();
    const cases = [
      ['runs', 'create', '--dataset', 'digits'],
      ['runs', 'create', '--file', 'run.json', '--epochs', '3'],
      ['runs', 'create', '--kind', 'train', '--dataset', 'digits', '--epochs', 'ten'],
      ['runs', 'create', '--kind', 'distill', '--dataset', 'digits', '--teacher', 'teacher-a'],
      ['runs', 'create', '--kind', 'train', '--dataset', 'digits', '--unknown-flag'],
      ['runs', 'get'],
    ];
    for (const args of cases) {
      const result = await runCli(target, args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toContain('Usage: distillery');
    }
    expect(await storedRuns()).toBe(before);
  });
});

describe('runs list, get, cancel', () => {
  it('lists by kind and status, pages, and filters by target model', async () => {
    const distills = await cliJson<RunPage>(target, ['runs', 'list', '--kind', 'distill']);
    expect(distills.items.length).toBeGreaterThanOrEqual(2);
    expect(distills.items.every((run) => run.kind === 'distill')).toBe(true);

    const firstPage = await runCli(target, ['runs', 'list', '--status', 'queued', '--limit', '1']);
    expect(firstPage.code).toBe(0);
    expect(firstPage.stdout).toMatch(/^ID\s+KIND\s+STATUS\s+MODEL\s+ATTEMPT\s+CREATED$/m);
    expect(firstPage.stdout).toMatch(/more: --offset 1$/m);

    const ofModel = await cliJson<RunPage>(target, ['runs', 'list', '--model', 'cli-trained']);
    expect(ofModel.total).toBe(1);
    expect(ofModel.items[0]?.spec.model).toBe('cli-trained');
  });

  it('names the query parameter the API refuses', async () => {
    const result = await runCli(target, ['runs', 'list', '--status', 'finished']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ {2}query status: /m);
  });

  it('gets a run, and a missing one is the API 404', async () => {
    const { id } = (await cliJson<RunPage>(target, ['runs', 'list', '--model', 'cli-trained'])).items[0]!;
    const shown = await runCli(target, ['runs', 'get', id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^id:\\s+${id}$`, 'm'));
    expect(shown.stdout).toMatch(/^dataset:\s+digits@1$/m);

    const missing = await runCli(target, ['runs', 'get', 'no-such-run']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^distillery: 404 Not Found: run "no-such-run" does not exist/);
  });

  it('cancels a queued run at once', async () => {
    const run = await cliJson<Run>(target, ['runs', 'create', '--kind', 'train', '--dataset', 'digits', '--model', 'cli-cancelled', '--architecture', 'mlp']);
    const cancelled = await runCli(target, ['--api', server.baseUrl, 'runs', 'cancel', run.id]);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toMatch(/^status:\s+cancelled$/m);
    const { data } = await server.client.GET('/v1/runs/{id}', { params: { path: { id: run.id } } });
    expect(data?.status).toBe('cancelled');
  });

  it('says when no key is given or the key is refused', async () => {
    const noKey = await runCli({ ...target, token: '' }, ['runs', 'list']);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('--token KEY or DISTILLERY_TOKEN');
    const badKey = await runCli({ ...target, token: 'dk_nobody_0000' }, ['runs', 'list']);
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/^distillery: 401 Unauthorized/);
  });
});
