// `npm run reproduce -- --preset tiny`: the whole reference protocol through the API on a few hundred real
// Fashion-MNIST images, on the embedded service (killed mid-way and resumed) and on a given --api (a run
// cancelled under it, reported, and run again on the next start). Asserts completeness, ranges and lineage,
// never accuracy values.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReproductionResults } from '../../src/cli/reproduce/results';
import { startTestServer, type TestServer } from '../support/server';
import { startReproduce } from './reproduce-process';

const TINY_TRAIN = 500;
const TINY_TEST = 200;
const VALIDATION = Math.floor(TINY_TRAIN * 0.1);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'distillery-reproduce-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const readResults = async (resultsDir: string): Promise<ReproductionResults> =>
  JSON.parse(await readFile(join(resultsDir, 'tiny.json'), 'utf8')) as ReproductionResults;

function expectScore(score: { count: number; accuracy: number; nll: number; ece: number }, count: number): void {
  expect(score.count).toBe(count);
  expect(score.accuracy).toBeGreaterThanOrEqual(0);
  expect(score.accuracy).toBeLessThanOrEqual(1);
  expect(Number.isFinite(score.nll) && score.nll >= 0).toBe(true);
  expect(score.ece).toBeGreaterThanOrEqual(0);
  expect(score.ece).toBeLessThanOrEqual(1);
}

/** Everything the protocol must have produced, and each student's lineage checked against the teachers it names. */
function expectCompleteProtocol(results: ReproductionResults): void {
  expect(results.teachers.map((t) => t.seed)).toEqual([0, 1, 2, 3, 4]);
  expect(results.teachers.map((t) => t.selfStudent.seed)).toEqual([10, 11, 12, 13, 14]);
  expect(results.ensembleStudent.seed).toBe(42);
  const teacherVersions = results.teachers.map((t) => `${t.model}@${t.version}`);
  expect(new Set(teacherVersions).size).toBe(5);
  for (const model of [...results.teachers, ...results.teachers.map((t) => t.selfStudent), results.ensembleStudent]) {
    expectScore(model.validation, VALIDATION);
    expectScore(model.test, TINY_TEST);
    expect(model.seconds).toBeGreaterThan(0);
  }
  for (const teacher of results.teachers) {
    expect(teacher.selfStudent.lineage).toEqual([
      { model: teacher.model, version: teacher.version, relation: 'teacher', weight: 1, method: 'self-distillation' },
    ]);
    expect(teacher.selfStudent.lineageAsExpected).toBe(true);
  }
  expect(results.ensembleStudent.lineage.map((p) => `${p.model}@${p.version}`).sort()).toEqual([...teacherVersions].sort());
  for (const parent of results.ensembleStudent.lineage) {
    expect(parent).toMatchObject({ relation: 'ensemble-member', weight: 0.2, method: 'knowledge-distillation' });
  }
  expect(results.ensembleStudent.lineageAsExpected).toBe(true);
  for (const ensemble of [results.ensemble, results.selfStudentsEnsemble]) {
    expectScore(ensemble.test, TINY_TEST);
    expect(ensemble.members).toHaveLength(5);
    for (const member of ensemble.members) expectScore(member, TINY_TEST);
  }
  expect(results.ensemble.members.map((m) => `${m.model}@${m.version}`)).toEqual(teacherVersions);
  expect(results.wallSeconds).toBeGreaterThan(results.trainingRunSeconds / results.environment.nodes.length);
  expect(results.environment.nodes.length).toBeGreaterThan(0);
}

describe('the embedded service', () => {
  it('runs the protocol, resumes after being killed without redoing a finished run, and writes the tables', async () => {
    const out = join(dir, 'embedded');
    const resultsDir = join(dir, 'embedded-results');
    const args = ['--preset', 'tiny', '--out', out, '--results', resultsDir, '--nodes', '2', '--poll-seconds', '0.2'];

    const first = startReproduce(args);
    const [, finishedSeed] = await first.waitForLine(/succeeded teacher seed (\d)/);
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    expect(killed.signal).toBe('SIGKILL');
    const finishedBeforeKill = [...killed.stderr.matchAll(/succeeded (teacher seed \d)/g)].map((m) => m[1]);
    expect(finishedBeforeKill).toContain(`teacher seed ${finishedSeed}`);

    const second = await startReproduce(args).exited;
    expect(second.code, second.stderr).toBe(0);
    for (const finished of finishedBeforeKill) expect(second.stderr).not.toContain(`queued ${finished} `);
    expect(second.stderr).toMatch(/running .+ on node \S+ \(attempt \d\)/);
    expect(second.stderr).toMatch(/epoch 1\/1, batch \d+\/\d+, loss \d\.\d{4}, ETA \d+s/);

    const results = await readResults(resultsDir);
    expectCompleteProtocol(results);
    expect(results.environment.nodes.map((n) => n.backend)).not.toContain('');
    const markdown = await readFile(join(resultsDir, 'tiny.md'), 'utf8');
    expect(markdown).toContain('89.07 %');
    expect(markdown).toContain('## Where this agrees with the reference');
    for (const teacher of results.teachers) expect(markdown).toContain(`| ${teacher.seed} | ${(teacher.validation.accuracy * 100).toFixed(2)} % |`);
    expect(markdown).not.toContain('**no**');

    // A third start finds everything done: nothing is queued, and the same versions are reported.
    const third = await startReproduce(args).exited;
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).not.toMatch(/queued|created ensemble/);
    const again = await readResults(resultsDir);
    expect(again.teachers.map((t) => t.version)).toEqual(results.teachers.map((t) => t.version));
    expect(again.ensembleStudent.version).toBe(results.ensembleStudent.version);
  }, 600_000);
});

describe('a given service (--api)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { embeddedNodes: 1 } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('reports a run that was cancelled under it, goes on with the rest, and runs it again on the next start', async () => {
    const out = join(dir, 'api');
    const resultsDir = join(dir, 'api-results');
    const args = ['--preset', 'tiny', '--api', server.baseUrl, '--out', out, '--results', resultsDir, '--poll-seconds', '0.2'];
    const env = { DISTILLERY_TOKEN: server.adminKey };

    const first = startReproduce(args, env);
    const [, runId] = await first.waitForLine(/queued teacher seed 3 \(run (\S+)\)/);
    const cancelled = await server.fetch(`/v1/runs/${runId}/cancel`, { method: 'POST' });
    expect(cancelled.ok).toBe(true);
    const failed = await first.exited;
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`FAILED teacher seed 3: run ${runId} cancelled`);
    // What does not need teacher 3 went on: the other self-distilled students were trained.
    expect(failed.stderr).toMatch(/succeeded self-distilled student of teacher 0/);
    expect(failed.stderr).toMatch(/self-distilled student of teacher 3, seed 13: waits for a failed step/);
    expect(failed.stderr).toContain(`start again with --out ${out} to resume`);

    const second = await startReproduce(args, env).exited;
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('retrying teacher seed 3');
    expect([...second.stderr.matchAll(/queued teacher seed (\d)/g)].map((m) => m[1])).toEqual(['3']);
    expectCompleteProtocol(await readResults(resultsDir));

    // One train run per teacher, plus the one cancelled: no finished run was redone.
    const runs = await server.client.GET('/v1/runs', { params: { query: { kind: 'train', limit: 50 } } });
    expect(runs.data?.items.map((r) => r.status).sort()).toEqual(['cancelled', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
  }, 600_000);

  it('refuses bad options with the usage text and exit code 2, before touching the service', async () => {
    const noToken = await startReproduce(['--preset', 'tiny', '--api', server.baseUrl], { DISTILLERY_TOKEN: '' }).exited;
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('--api needs a key');
    const unknownPreset = await startReproduce(['--preset', 'huge']).exited;
    expect(unknownPreset.code).toBe(2);
    expect(unknownPreset.stderr).toMatch(/--preset must be one of tiny, fashion-cnn, fashion-cnn-long, cifar10-resnet18\nusage: npm run reproduce/);
    const badNodes = await startReproduce(['--preset', 'tiny', '--nodes', '0']).exited;
    expect(badNodes.code).toBe(2);
    const before = await server.client.GET('/v1/runs', { params: { query: { limit: 1 } } });
    const withNodes = await startReproduce(['--preset', 'tiny', '--api', server.baseUrl, '--nodes', '2'], { DISTILLERY_TOKEN: server.adminKey }).exited;
    expect(withNodes.code).toBe(2);
    const after = await server.client.GET('/v1/runs', { params: { query: { limit: 1 } } });
    expect(after.data?.total).toBe(before.data?.total);
  }, 120_000);
});
