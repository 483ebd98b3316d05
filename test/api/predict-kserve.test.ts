// KServe v2 over real HTTP with the real predictor: health, metadata, infer agreeing with TF Serving, and every refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server';
import { base64, ENSEMBLE_MEMBERS, ENSEMBLES, grayPng, memberPredictions, postJson, registryState, ROWS, startPredictServer, sum } from './predict-fixtures';

let server: TestServer;
beforeAll(async () => {
  server = await startPredictServer();
});
afterAll(() => server.close());

const tensor = (overrides: Record<string, unknown> = {}) => ({ name: 'input', shape: [2, 4], datatype: 'FP32', data: ROWS.flat(), ...overrides });

describe('KServe v2', () => {
  it('answers server metadata and health without a key', async () => {
    expect(await (await server.fetch('/v2', {}, null)).json()).toMatchObject({ name: 'distillery', extensions: ['classification'] });
    expect(await (await server.fetch('/v2/health/live', {}, null)).json()).toEqual({ live: true });
    expect(await (await server.fetch('/v2/health/ready', {}, null)).json()).toEqual({ ready: true });
  });

  it('answers model metadata and readiness', async () => {
    const metadata = await (await server.fetch('/v2/models/dense/versions/1')).json();
    expect(metadata).toMatchObject({ name: 'dense', versions: ['1'], inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }], outputs: [{ name: 'probabilities', shape: [-1, 3] }] });
    expect(await (await server.fetch('/v2/models/dense/ready')).json()).toEqual({ name: 'dense', ready: true });
  });

  it('infers probabilities that agree with TF Serving, flat or nested, with id, model_version and classification', async () => {
    const tf = await postJson(server, '/v1/models/dense/versions/1:predict', { instances: ROWS });
    const flat = await postJson(server, '/v2/models/dense/versions/1/infer', { id: 'req-7', inputs: [tensor()] });
    expect(flat.status).toBe(200);
    expect(flat.body).toMatchObject({ model_name: 'dense', model_version: '1', id: 'req-7' });
    const [output] = flat.body.outputs;
    expect(output).toMatchObject({ name: 'probabilities', datatype: 'FP32', shape: [2, 3] });
    expect(output.data).toEqual(tf.body.predictions.flat());
    expect(sum(output.data.slice(0, 3))).toBeCloseTo(1, 5);
    const nested = await postJson(server, '/v2/models/dense/versions/1/infer', { inputs: [tensor({ data: ROWS, datatype: 'FP64' })] });
    expect(nested.body.outputs[0].data).toEqual(output.data);
    const classified = await postJson(server, '/v2/models/dense/versions/1/infer', { inputs: [tensor()], outputs: [{ name: 'probabilities', parameters: { classification: 1 } }] });
    const best = Math.max(...tf.body.predictions[0]);
    const index = tf.body.predictions[0].indexOf(best);
    expect(classified.body.outputs[0]).toEqual({ name: 'probabilities', datatype: 'BYTES', shape: [2, 1], data: [`${best.toFixed(6)}:${index}:${['a', 'b', 'c'][index]}`, expect.any(String)] });
    const latest = await postJson(server, '/v2/models/dense/infer', { inputs: [tensor()] });
    expect(latest.body.model_version).toBe('2');
  });

  it('infers on BYTES images as TF Serving does on b64 ones', async () => {
    const png = base64(grayPng(3));
    const tf = await postJson(server, '/v1/models/digits:predict', { instances: [{ b64: png }] });
    const kserve = await postJson(server, '/v2/models/digits/infer', { inputs: [{ name: 'input', shape: [1], datatype: 'BYTES', data: [png] }] });
    expect(kserve.status).toBe(200);
    expect(kserve.body.outputs[0].data).toEqual(tf.body.predictions[0]);
  });

  it('refuses bad input with 400 and `error`, changing nothing', async () => {
    const before = await registryState(server);
    for (const [body, error] of [
      [{ inputs: [tensor({ shape: [2, 3] })] }, "unexpected shape for input 'input' for model 'dense'. Expected [-1,4], got [2,3]"],
      [{ inputs: [tensor({ shape: [8] })] }, "unexpected shape for input 'input' for model 'dense'. Expected [-1,4], got [8]"],
      [{ inputs: [tensor({ datatype: 'BOOL' })] }, "invalid datatype 'BOOL' for input 'input': expected one of FP32, FP64, INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64, BYTES"],
      [{ inputs: [tensor({ data: [1, 2, 3, 4, 5, 6, 7, 'x'] })] }, 'inputs[0].data[7]: expected a number, got a string "x"'],
      [{ inputs: [tensor({ data: [1, 2, 3] })] }, 'inputs[0].data: shape [2,4] holds 8 values, got 3'],
      [{ inputs: [tensor({ shape: [0, 4], data: [] })] }, 'inputs[0].shape[0]: must hold at least one input'],
      [{ inputs: [tensor({ shape: [1025, 4], data: Array.from({ length: 4100 }, () => 0) })] }, 'inputs[0].shape[0]: holds 1025 inputs, more than the 1024 one request may hold'],
      [{ inputs: [tensor({ name: 'pixels' })] }, "unexpected inference input 'pixels' for model 'dense' (its input is 'input')"],
      [{ inputs: [tensor()], outputs: [{ name: 'logits' }] }, "unexpected inference output 'logits' for model 'dense' (outputs: probabilities, probabilities/dense@2)"],
      [{ inputs: 'x' }, 'inputs: Invalid input: expected array, received string'],
    ] as const) {
      const refused = await postJson(server, '/v2/models/dense/infer', body);
      expect(refused.status, error).toBe(400);
      expect(refused.body).toMatchObject({ error, detail: error });
    }
    expect(await registryState(server)).toEqual(before);
  });

  it('answers unknown models 404 and a key without predict 403, with `error`', async () => {
    const missing = await postJson(server, '/v2/models/nothing/infer', { inputs: [tensor()] });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('no model or ensemble named "nothing"');
    expect((await postJson(server, '/v2/models/dense/versions/7/infer', { inputs: [tensor()] })).status).toBe(404);
    const key = await server.client.POST('/v1/keys', { body: { name: 'reader', scopes: ['read'] } });
    const forbidden = await postJson(server, '/v2/models/dense/infer', { inputs: [tensor()] }, key.data!.token);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toMatch(/predict/);
  });
});

describe('KServe v2 for an ensemble', () => {
  const memberOutputs = ENSEMBLE_MEMBERS.map(({ model, served }) => `probabilities/${model}@${served}`);

  it.each(Object.keys(ENSEMBLES))('infers on %s what TF Serving predicts, its members as extra outputs', async (name) => {
    const tf = await postJson(server, `/v1/models/${name}:predict`, { instances: ROWS });
    const members = await memberPredictions(server, { instances: ROWS });
    const outputs = ['probabilities', ...memberOutputs].map((output) => ({ name: output }));
    const kserve = await postJson(server, `/v2/models/${name}/versions/1/infer`, { id: name, inputs: [tensor()], outputs });
    expect(kserve.status).toBe(200);
    expect(kserve.body).toMatchObject({ model_name: name, model_version: '1', id: name });
    expect(kserve.body.outputs).toEqual([
      { name: 'probabilities', datatype: 'FP32', shape: [2, 3], data: tf.body.predictions.flat() },
      ...memberOutputs.map((output, m) => ({ name: output, datatype: 'FP32', shape: [2, 3], data: members[m]!.flat() })),
    ]);
  });

  it('answers its metadata and readiness at its current revision, 404 with `error` at another', async () => {
    const metadata = await (await server.fetch('/v2/models/logit-blend')).json();
    expect(metadata).toEqual({
      name: 'logit-blend',
      versions: ['1'],
      platform: 'ensemble',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }],
      outputs: ['probabilities', ...memberOutputs].map((name) => ({ name, datatype: 'FP32', shape: [-1, 3] })),
      parameters: { class_labels: ['a', 'b', 'c'] },
    });
    expect(await (await server.fetch('/v2/models/logit-blend/versions/1')).json()).toEqual(metadata);
    expect(await (await server.fetch('/v2/models/logit-blend/ready')).json()).toEqual({ name: 'logit-blend', ready: true });
    expect(await (await server.fetch('/v2/models/logit-blend/versions/1/ready')).json()).toEqual({ name: 'logit-blend', ready: true });
    for (const path of ['/v2/models/logit-blend/versions/2', '/v2/models/logit-blend/versions/2/ready']) {
      const missing = await server.fetch(path);
      expect(missing.status, path).toBe(404);
      expect(await missing.json(), path).toMatchObject({ error: 'ensemble "logit-blend" is at revision 1, not 2' });
    }
    const infer = await postJson(server, '/v2/models/logit-blend/versions/2/infer', { inputs: [tensor()] });
    expect(infer.status).toBe(404);
    expect(infer.body.error).toBe('ensemble "logit-blend" is at revision 1, not 2');
  });
});

describe('paths under /v2 that no route serves', () => {
  it('answers 404 with `error`, as the routes there do', async () => {
    for (const [method, path] of [
      ['POST', '/v2/models/dense/generate'],
      ['GET', '/v2/repository/index'],
      ['GET', '/v2/models/dense/infer'],
    ] as const) {
      const response = await server.fetch(path, { method, ...(method === 'POST' ? { headers: { 'Content-Type': 'application/json' }, body: '{}' } : {}) });
      expect(response.status, path).toBe(404);
      const detail = `no route for ${method} ${path}`;
      expect(await response.json(), path).toMatchObject({ error: detail, detail, type: 'https://distillery.dev/problems/not-found' });
    }
  });
});
