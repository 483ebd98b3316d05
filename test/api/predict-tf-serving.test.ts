// TF Serving REST over real HTTP with the real predictor: versions, labels, images, batching, and every refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue } from '../serving/serving-fixtures';
import type { TestServer } from '../support/server';
import {
  base64,
  ENSEMBLE_MEMBERS,
  ENSEMBLES,
  expectedAggregate,
  expectRowsClose,
  grayPng,
  memberPredictions,
  postJson,
  registryState,
  ROWS,
  startPredictServer,
  sum,
} from './predict-fixtures';

let server: TestServer;
beforeAll(async () => {
  server = await startPredictServer();
});
afterAll(() => server.close());

describe('TF Serving predict', () => {
  it('answers class probabilities for a model, a version and a label, the label as its version', async () => {
    const latest = await postJson(server, '/v1/models/dense:predict', { instances: ROWS });
    expect(latest.status).toBe(200);
    expect(latest.body.predictions).toHaveLength(2);
    for (const row of latest.body.predictions) {
      expect(row).toHaveLength(3);
      expect(sum(row)).toBeCloseTo(1, 5);
    }
    const second = await postJson(server, '/v1/models/dense/versions/2:predict', { instances: ROWS });
    expect(second.body).toEqual(latest.body);
    const first = await postJson(server, '/v1/models/dense/versions/1:predict', { instances: ROWS });
    const label = await postJson(server, '/v1/models/dense/labels/production:predict', { instances: ROWS, signature_name: 'serving_default' });
    expect(label).toEqual(first);
    expect(first.body.predictions).not.toEqual(latest.body.predictions);
  });

  it('answers the columnar format with outputs, and the options beside them', async () => {
    const row = await postJson(server, '/v1/models/dense/versions/1:predict', { instances: ROWS });
    const columnar = await postJson(server, '/v1/models/dense/versions/1:predict', { inputs: { input: ROWS }, top_k: 2, include_members: true });
    expect(columnar.status).toBe(200);
    expect(columnar.body.outputs).toEqual(row.body.predictions);
    expect(columnar.body.members).toEqual([{ model: 'dense', version: 1, weight: 1, outputs: row.body.predictions }]);
    const [best, next] = columnar.body.top_k[0];
    const probabilities: number[] = row.body.predictions[0];
    expect(best.probability).toBe(Math.max(...probabilities));
    expect(probabilities[best.class]).toBe(best.probability);
    expect(['a', 'b', 'c'][best.class]).toBe(best.label);
    expect(next.probability).toBeLessThanOrEqual(best.probability);
  });

  it('reads images as {"b64"} instances and as a PNG body, the same answer either way', async () => {
    const png = grayPng(1);
    const b64 = await postJson(server, '/v1/models/digits:predict', { instances: [{ b64: base64(png) }, { b64: base64(grayPng(2)) }] });
    expect(b64.status).toBe(200);
    expect(b64.body.predictions).toHaveLength(2);
    expect(sum(b64.body.predictions[0])).toBeCloseTo(1, 5);
    const body = await server.fetch('/v1/models/digits:predict', { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: png as Uint8Array<ArrayBuffer> });
    expect(body.status).toBe(200);
    expect((await body.json()).predictions[0]).toEqual(b64.body.predictions[0]);
  });

  it('coalesces concurrent requests into fewer batches without mixing rows up', async () => {
    const metrics = async () => (await (await server.fetch('/metrics')).text());
    const before = metricValue(await metrics(), 'distillery_predict_batches_total', { target: 'dense' });
    const inputs = Array.from({ length: 24 }, (_, i) => [[i / 10, -i / 7, 0.5, i % 3]]);
    const alone = await Promise.all(inputs.slice(0, 3).map((instances) => postJson(server, '/v1/models/dense:predict', { instances })));
    const together = await Promise.all(inputs.map((instances) => postJson(server, '/v1/models/dense:predict', { instances })));
    for (let i = 0; i < 3; i++) expect(together[i]!.body).toEqual(alone[i]!.body);
    const text = await metrics();
    const batches = metricValue(text, 'distillery_predict_batches_total', { target: 'dense' }) - before;
    expect(batches).toBeLessThan(27);
    expect((await server.fetch('/metrics')).headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('serves metadata with the signature and class labels', async () => {
    const response = await server.fetch('/v1/models/dense/labels/production/metadata');
    const metadata = await response.json();
    expect(metadata.model_spec).toEqual({ name: 'dense', signature_name: '', version: '1' });
    expect(metadata.metadata.signature_def.signature_def.serving_default.inputs.input.tensor_shape.dim.map((d: { size: string }) => d.size)).toEqual(['-1', '4']);
    expect(metadata.metadata.class_labels).toEqual(['a', 'b', 'c']);
  });

  it('refuses bad input with 400 and `error`, changing nothing', async () => {
    const before = await registryState(server);
    for (const [body, error] of [
      [{}, "Missing 'inputs' or 'instances' key"],
      [{ instances: [] }, 'instances: must hold at least one input'],
      [{ instances: [[1, 2, 3]] }, 'instances[0]: expected an array of 4, got an array of 3 (each input has shape [4] here)'],
      [{ instances: [[[1], 2, 3, 4]] }, 'instances[0][0]: expected a number, got an array of 1'],
      [{ instances: [[1, 'x', 3, 4]] }, 'instances[0][1]: expected a number, got a string "x"'],
      [{ instances: [[1, 1e39, 3, 4]] }, 'instances[0][1]: 1e+39 is not a finite float32 value'],
      [{ instances: Array.from({ length: 1025 }, () => [1, 2, 3, 4]) }, 'instances: holds 1025 inputs, more than the 1024 one request may hold'],
      [{ instances: ROWS, signature_name: 'classify' }, 'Serving signature name: "classify" not found in signature def (only "serving_default" exists)'],
      [{ instances: [{ b64: base64(grayPng(1)) }] }, 'instances: "dense" takes inputs of shape [4], not images'],
    ] as const) {
      const refused = await postJson(server, '/v1/models/dense:predict', body);
      expect(refused.status, error).toBe(400);
      expect(refused.body).toMatchObject({ error, detail: error, type: 'https://distillery.dev/problems/invalid-prediction-input' });
    }
    const overflow = await server.fetch('/v1/models/dense:predict', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"instances": [[1, 2, 3, 1e999]]}' });
    expect((await overflow.json()).error).toBe('instances[0][3]: Infinity is not a finite float32 value');
    const image = await server.fetch('/v1/models/digits:predict', { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: new Uint8Array([1, 2, 3]) });
    expect(image.status).toBe(400);
    expect(await image.json()).toMatchObject({ type: 'https://distillery.dev/problems/invalid-image', error: expect.any(String) });
    expect(await registryState(server)).toEqual(before);
  });

  it('answers unknown names 404, an archived version 422 and a key without predict 403, each with `error`', async () => {
    for (const path of ['/v1/models/nothing:predict', '/v1/models/dense/versions/9:predict', '/v1/models/dense/labels/nowhere:predict']) {
      const missing = await postJson(server, path, { instances: ROWS });
      expect(missing.status, path).toBe(404);
      expect(missing.body.error, path).toBe(missing.body.detail);
    }
    await server.client.POST('/v1/models/{name}/versions/{version}/archive', { params: { path: { name: 'dense', version: '2' } } });
    const archived = await postJson(server, '/v1/models/dense/versions/2:predict', { instances: ROWS });
    expect(archived.status).toBe(422);
    expect(archived.body.error).toMatch(/archived/);
    await server.client.POST('/v1/models/{name}/versions/{version}/unarchive', { params: { path: { name: 'dense', version: '2' } } });
    const key = await server.client.POST('/v1/keys', { body: { name: 'reader', scopes: ['read'] } });
    const forbidden = await postJson(server, '/v1/models/dense:predict', { instances: ROWS }, key.data!.token);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toMatch(/predict/);
  });
});

describe('TF Serving predict for an ensemble', () => {
  it.each(Object.entries(ENSEMBLES))('answers %s (%s) as that aggregate of its members\' own answers', async (name, aggregation) => {
    const members = await memberPredictions(server, { instances: ROWS });
    expect(members[0]).not.toEqual(members[2]);
    const ensemble = await postJson(server, `/v1/models/${name}:predict`, { instances: ROWS });
    expect(ensemble.status).toBe(200);
    expectRowsClose(ensemble.body.predictions, expectedAggregate(aggregation, members), name);
    for (const row of ensemble.body.predictions) expect(sum(row)).toBeCloseTo(1, 5);
  });

  it("answers each member's own probabilities and normalised weight with include_members, in either format", async () => {
    const members = await memberPredictions(server, { instances: ROWS });
    const expected = (key: 'predictions' | 'outputs') =>
      ENSEMBLE_MEMBERS.map(({ model, served, weight }, m) => ({ model, version: served, weight: weight / 8, [key]: members[m] }));
    const rows = await postJson(server, '/v1/models/vote:predict', { instances: ROWS, include_members: true });
    expect(rows.body.members).toEqual(expected('predictions'));
    const columnar = await postJson(server, '/v1/models/vote:predict', { inputs: ROWS, include_members: true });
    expect(columnar.body.members).toEqual(expected('outputs'));
    expect(columnar.body.outputs).toEqual(rows.body.predictions);
  });

  it('serves its current revision as its version, and no other revision or any label (404 with `error`)', async () => {
    const latest = await postJson(server, '/v1/models/blend:predict', { instances: ROWS });
    expect(await postJson(server, '/v1/models/blend/versions/1:predict', { instances: ROWS })).toEqual(latest);
    for (const [path, error] of [
      ['/v1/models/blend/versions/2:predict', 'ensemble "blend" is at revision 1, not 2'],
      ['/v1/models/blend/labels/production:predict', 'ensemble "blend" has no labels (it is served at its current revision)'],
    ] as const) {
      const missing = await postJson(server, path, { instances: ROWS });
      expect(missing.status, path).toBe(404);
      expect(missing.body, path).toMatchObject({ error, detail: error });
    }
  });
});

describe('paths TF Serving clients send that no route serves', () => {
  it('answers an unknown verb 404 with `error`, while the registry\'s own unknown paths keep plain problems', async () => {
    const verb = await postJson(server, '/v1/models/dense:classify', { examples: [] });
    expect(verb.status).toBe(404);
    expect(verb.body).toMatchObject({ error: 'no route for POST /v1/models/dense:classify', detail: 'no route for POST /v1/models/dense:classify' });
    const registry = await postJson(server, '/v1/nothing', {});
    expect(registry.status).toBe(404);
    expect(registry.body).not.toHaveProperty('error');
  });
});
