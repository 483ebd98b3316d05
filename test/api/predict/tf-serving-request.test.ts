// TF Serving's predict body, parsed for a target: both formats, named inputs, images, options, and every refusal.
import { describe, expect, it } from 'vitest';
import type { TargetSignature } from '../../../src/api/predict/signature';
import { imageBodyRequest, parseTfServingRequest } from '../../../src/api/predict/tf-serving-request';
import { tfServingResponse } from '../../../src/api/predict/tf-serving-response';
import { refusalOf } from './refusal';

const member = { versionId: 'v1', model: 'dense', version: 1, weight: 1, modelJson: { key: 'k', sha256: 's', size: 1 }, weights: { key: 'w', sha256: 's', size: 1 }, normalization: { mean: [0.5], std: [0.5] } };
const dense: TargetSignature = { name: 'dense', kind: 'version', inputShape: [2, 2], classLabels: ['a', 'b', 'c'], members: [member] };
const image: TargetSignature = { ...dense, name: 'digits', inputShape: [8, 8, 1] };
const limits = { maxInstances: 3 };
const PNG_BASE64 = 'iVBORw0KGgo=';

const parse = (body: unknown, target = dense) => parseTfServingRequest(body, target, limits);

const refusal = (body: unknown, on = dense) => refusalOf(() => parse(body, on));

describe('parseTfServingRequest', () => {
  it('reads the row format into row-major float32 rows', () => {
    const request = parse({ instances: [[[1, 2], [3, 4]], [[5, 6], [7, 8.5]]], signature_name: 'serving_default' });
    expect(request).toMatchObject({ format: 'row', topK: null, includeMembers: false });
    expect(request.input).toEqual({ kind: 'tensor', rows: 2, values: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8.5]) });
  });

  it('reads named row inputs and the columnar format, bare or named', () => {
    const rows = { kind: 'tensor', rows: 1, values: new Float32Array([1, 2, 3, 4]) };
    expect(parse({ instances: [{ input: [[1, 2], [3, 4]] }] }).input).toEqual(rows);
    expect(parse({ inputs: [[[1, 2], [3, 4]]] })).toMatchObject({ format: 'columnar', input: rows });
    expect(parse({ inputs: { input: [[[1, 2], [3, 4]]] } })).toMatchObject({ format: 'columnar', input: rows });
  });

  it('reads {"b64"} images, bare or named, and an image body', () => {
    const request = parse({ instances: [{ b64: PNG_BASE64 }, { input: { b64: PNG_BASE64 } }], top_k: 2, include_members: true }, image);
    expect(request).toMatchObject({ topK: 2, includeMembers: true });
    expect(request.input).toEqual({ kind: 'images', images: [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10])] });
    expect(imageBodyRequest(new Uint8Array([1, 2]), image)).toEqual({ format: 'row', input: { kind: 'images', images: [new Uint8Array([1, 2])] }, topK: null, includeMembers: false });
  });

  it.each([
    ['a body that is not an object', [1], /^the request body must be a JSON object, got an array of 1$/, undefined],
    ['neither instances nor inputs', {}, /^Missing 'inputs' or 'instances' key$/, undefined],
    ['both instances and inputs', { instances: [], inputs: [] }, /expecting only one of 'inputs' or 'instances'/, undefined],
    ['an unknown signature', { signature_name: 'predict', instances: [[[1, 2], [3, 4]]] }, /^Serving signature name: "predict" not found in signature def/, 'signature_name'],
    ['an unknown key', { instances: [[[1, 2], [3, 4]]], instance: 1 }, /^unknown key "instance" in the request/, 'instance'],
    ['instances that are not an array', { instances: 'x' }, /^instances: must be an array of inputs$/, 'instances'],
    ['a top_k that is not a positive integer', { instances: [[[1, 2], [3, 4]]], top_k: 0 }, /^top_k: must be a positive integer$/, 'top_k'],
    ['include_members not boolean', { instances: [[[1, 2], [3, 4]]], include_members: 'yes' }, /^include_members: must be true or false$/, 'include_members'],
    ['empty instances', { instances: [] }, /^instances: must hold at least one input$/, 'instances'],
    ['too many instances', { instances: [0, 0, 0, 0].map(() => [[1, 2], [3, 4]]) }, /^instances: holds 4 inputs, more than the 3 one request may hold$/, 'instances'],
    ['a wrong rank (too shallow)', { instances: [[1, 2]] }, /^instances\[0\]\[0\]: expected an array of 2, got the number 1/, 'instances[0][0]'],
    ['a wrong rank (too deep)', { instances: [[[[1], [2]], [3, 4]]] }, /^instances\[0\]\[0\]\[0\]: expected a number, got an array of 1$/, 'instances[0][0][0]'],
    ['a wrong shape', { instances: [[[1, 2], [3, 4]], [[1, 2, 3], [3, 4]]] }, /^instances\[1\]\[0\]: expected an array of 2, got an array of 3/, 'instances[1][0]'],
    ['a string value', { instances: [[[1, '2'], [3, 4]]] }, /^instances\[0\]\[0\]\[1\]: expected a number, got a string "2"$/, 'instances[0][0][1]'],
    ['a null value', { instances: [[[1, null], [3, 4]]] }, /^instances\[0\]\[0\]\[1\]: expected a number, got null$/, 'instances[0][0][1]'],
    ['a value beyond float32', { instances: [[[1, 1e39], [3, 4]]] }, /^instances\[0\]\[0\]\[1\]: 1e\+39 is not a finite float32 value$/, 'instances[0][0][1]'],
    ['Infinity (1e999 in JSON)', { instances: [[[1, Infinity], [3, 4]]] }, /^instances\[0\]\[0\]\[1\]: Infinity is not a finite float32 value$/, 'instances[0][0][1]'],
    ['NaN', { instances: [[[1, NaN], [3, 4]]] }, /^instances\[0\]\[0\]\[1\]: NaN is not a finite float32 value$/, 'instances[0][0][1]'],
    ['an input under another name', { instances: [{ pixels: [[1, 2], [3, 4]] }] }, /^instances\[0\]: an object input must be \{"b64": "<base64 image>"\} or name the one input "input"/, 'instances[0]'],
    ['columnar inputs under another name', { inputs: { pixels: [] } }, /^inputs: expected the batch as an array or as \{"input": \[...\]\}/, 'inputs'],
    ['bad base64', { instances: [{ b64: 'not base64!' }] }, /^instances\[0\]\.b64: is not valid base64$/, 'instances[0].b64'],
  ])('refuses %s', (_case, body, message, path) => {
    const sendsImage = (body as { instances?: { b64?: string }[] }).instances?.[0]?.b64 !== undefined;
    const refused = refusal(body, sendsImage ? image : dense);
    expect(refused.message).toMatch(message);
    expect(refused.path).toBe(path);
  });

  it('refuses images for a target without an image input, and a mix of images and tensors', () => {
    expect(refusal({ instances: [{ b64: PNG_BASE64 }] }).message).toMatch(/^instances: "dense" takes inputs of shape \[2,2\], not images$/);
    expect(refusal({ instances: [{ b64: PNG_BASE64 }, [[1, 2], [3, 4]]] }, image).message).toMatch(/^instances\[1\]: is a tensor but instances\[0\] is an image/);
  });
});

describe('tfServingResponse', () => {
  const ensemble: TargetSignature = { ...dense, kind: 'ensemble', members: [{ ...member, weight: 0.25 }, { ...member, model: 'other', version: 2, weight: 0.75 }] };
  const output = {
    probabilities: new Float32Array([0.5, 0.25, 0.25, 0.125, 0.125, 0.75]),
    memberProbabilities: [new Float32Array([1, 0, 0, 0, 0, 1]), new Float32Array([0, 0.5, 0.5, 0, 0, 1])],
  };

  it('answers predictions or outputs, with top_k and members beside them', () => {
    const row = tfServingResponse({ format: 'row', input: { kind: 'tensor', rows: 2, values: new Float32Array(8) }, topK: 5, includeMembers: true }, ensemble, output);
    expect(row.predictions).toEqual([[0.5, 0.25, 0.25], [0.125, 0.125, 0.75]]);
    expect(row.top_k).toEqual([
      [{ class: 0, label: 'a', probability: 0.5 }, { class: 1, label: 'b', probability: 0.25 }, { class: 2, label: 'c', probability: 0.25 }],
      [{ class: 2, label: 'c', probability: 0.75 }, { class: 0, label: 'a', probability: 0.125 }, { class: 1, label: 'b', probability: 0.125 }],
    ]);
    expect(row.members).toEqual([
      { model: 'dense', version: 1, weight: 0.25, predictions: [[1, 0, 0], [0, 0, 1]] },
      { model: 'other', version: 2, weight: 0.75, predictions: [[0, 0.5, 0.5], [0, 0, 1]] },
    ]);
    const columnar = tfServingResponse({ format: 'columnar', input: { kind: 'tensor', rows: 2, values: new Float32Array(8) }, topK: null, includeMembers: false }, ensemble, output);
    expect(columnar).toEqual({ outputs: [[0.5, 0.25, 0.25], [0.125, 0.125, 0.75]] });
  });
});
