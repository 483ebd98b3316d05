// Test support for the predict suites: a real server with dense models (versions, an alias), an image model and
// ensembles of the dense ones, the raw requests both protocols' suites make, and what an ensemble must answer.
import { encode as encodePng } from 'fast-png';
import { expect } from 'vitest';
import { uploadVersion } from '../../openapi/client';
import { imageClassifierArtifact, uploadForm } from '../support/artifacts';
import { jsonBody } from '../support/requests';
import { startTestServer, type TestServer } from '../support/server';
import { addVersion, createModel } from './typed-requests';

export const IMAGE_SHAPE = [4, 4, 1];

/** Two inputs of `dense`. */
export const ROWS = [
  [0.1, 0.2, 0.3, 0.4],
  [1, -1, 0.5, 2],
];

/**
 * The members every ensemble of the fixture has, with unequal weights (they sum to 8): `production` is dense's
 * version 1. `served` is the version each resolves to, whose own answers an ensemble's are checked against.
 */
export const ENSEMBLE_MEMBERS = [
  { model: 'dense', version: 'production', weight: 1, served: 1 },
  { model: 'dense', version: 2, weight: 2, served: 2 },
  { model: 'dense-b', version: 1, weight: 5, served: 1 },
] as const;

export const MEMBER_WEIGHTS = ENSEMBLE_MEMBERS.map((member) => member.weight);

/** One ensemble of ENSEMBLE_MEMBERS per aggregation, by name. */
export const ENSEMBLES = { blend: 'mean-probabilities', weighing: 'weighted', 'logit-blend': 'mean-logits', vote: 'majority-vote' } as const;

export type EnsembleName = keyof typeof ENSEMBLES;

/**
 * `dense` (4 inputs, 3 classes: versions 1 and 2, alias `production` on 1), `dense-b` (the same shape, one version),
 * `digits` (a 4x4 gray image, 3 classes), and the ENSEMBLES of dense and dense-b.
 */
export async function startPredictServer(): Promise<TestServer> {
  const server = await startTestServer();
  await createModel(server, 'dense');
  await addVersion(server, 'dense');
  await addVersion(server, 'dense');
  await server.client.PUT('/v1/models/{name}/aliases/{alias}', { params: { path: { name: 'dense', alias: 'production' } }, body: { version: 1 } });
  await createModel(server, 'dense-b');
  await addVersion(server, 'dense-b');
  const members = ENSEMBLE_MEMBERS.map(({ model, version, weight }) => ({ model, version, weight }));
  for (const [name, aggregation] of Object.entries(ENSEMBLES)) {
    const created = await server.client.POST('/v1/ensembles', { body: { name, aggregation, members } });
    if (!created.data) throw new Error(`creating ensemble ${name}: ${created.response.status} ${JSON.stringify(created.error)}`);
  }
  await createModel(server, 'digits', { inputShape: IMAGE_SHAPE });
  const uploaded = await uploadVersion(server.client, 'digits', uploadForm(await imageClassifierArtifact(IMAGE_SHAPE, 3)));
  if (!uploaded.data) throw new Error(`uploading digits: ${uploaded.response.status}`);
  return server;
}

/** POSTs `body` as JSON and returns the status and parsed answer. */
export async function postJson(server: TestServer, path: string, body: unknown, apiKey?: string): Promise<{ status: number; body: any }> {
  const response = await server.fetch(path, jsonBody(body), apiKey);
  return { status: response.status, body: await response.json() };
}

/** A 4x4 gray PNG. */
export function grayPng(seed: number): Uint8Array {
  return encodePng({ width: 4, height: 4, data: Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + seed * 91) % 256), channels: 1, depth: 8 });
}

export const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** What a refused request must not change: every model and version list. */
export async function registryState(server: TestServer): Promise<unknown> {
  const models = (await server.client.GET('/v1/models', { params: { query: { limit: 500 } } })).data!;
  const versions = await Promise.all(
    models.items.map(async (model) => (await server.client.GET('/v1/models/{name}/versions', { params: { path: { name: model.name }, query: { include_archived: 'true', limit: 500 } } })).data),
  );
  return { models, versions };
}

export const sum = (row: number[]) => row.reduce((a, b) => a + b, 0);

/**
 * What an ensemble must answer, computed here from its members' own answers (rows of probabilities) and weights,
 * independently of the server's combination: the weighted mean of probabilities; the softmax of the weighted mean
 * of logits (a member's logits are log(p) up to a per-row constant, which the softmax ignores); the weighted share of
 * members voting for each class (a member votes for its most probable class).
 */
export function expectedAggregate(aggregation: (typeof ENSEMBLES)[EnsembleName], memberRows: number[][][], weights: readonly number[] = MEMBER_WEIGHTS): number[][] {
  const total = sum([...weights]);
  const share = weights.map((weight) => weight / total);
  return memberRows[0]!.map((_, row) => {
    const members = memberRows.map((rows) => rows[row]!);
    if (aggregation === 'mean-logits') {
      const logits = members[0]!.map((_, c) => sum(members.map((p, m) => share[m]! * Math.log(p[c]!))));
      const exps = logits.map((logit) => Math.exp(logit - Math.max(...logits)));
      return exps.map((e) => e / sum(exps));
    }
    if (aggregation === 'majority-vote') {
      const votes = members[0]!.map(() => 0);
      members.forEach((p, m) => (votes[p.indexOf(Math.max(...p))]! += share[m]!));
      return votes;
    }
    return members[0]!.map((_, c) => sum(members.map((p, m) => share[m]! * p[c]!)));
  });
}

/** Rows equal to float32 precision: an ensemble's answer is computed in float32 from its members' logits. */
export function expectRowsClose(actual: number[][], expected: number[][], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  actual.forEach((row, r) => row.forEach((value, c) => expect(value, `${what} [${r}][${c}]`).toBeCloseTo(expected[r]![c]!, 5)));
}

/** Each ensemble member's own TF Serving answer to `body`, predicting with the version it resolves to. */
export async function memberPredictions(server: TestServer, body: unknown): Promise<number[][][]> {
  return Promise.all(
    ENSEMBLE_MEMBERS.map(async ({ model, served }) => (await postJson(server, `/v1/models/${model}/versions/${served}:predict`, body)).body.predictions),
  );
}
