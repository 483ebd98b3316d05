// KServe v2 infer bodies, parsed for a target: datatypes, flat or nested data, BYTES images, outputs, and every refusal.
import { describe, expect, it } from 'vitest';
import { parseKServeRequest } from '../../../src/api/predict/kserve-request';
import { kserveResponse } from '../../../src/api/predict/kserve-response';
import type { TargetSignature } from '../../../src/api/predict/signature';
import { refusalOf } from './refusal';

const member = { versionId: 'v1', model: 'dense', version: 1, weight: 0.5, modelJson: { key: 'k', sha256: 's', size: 1 }, weights: { key: 'w', sha256: 's', size: 1 }, normalization: { mean: [0.5], std: [0.5] } };
const target: TargetSignature = { name: 'pair', kind: 'ensemble', inputShape: [2], classLabels: ['a', 'b', 'c'], members: [member, { ...member, model: 'other', version: 4 }] };
const image: TargetSignature = { ...target, inputShape: [8, 8, 3] };
const limits = { maxInstances: 3 };

const tensor = (overrides: Record<string, unknown> = {}) => ({ name: 'input', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3, 4], ...overrides });
const parse = (body: unknown, on = target) => parseKServeRequest(body, on, limits);

const refusal = (body: unknown, on = target) => refusalOf(() => parse(body, on));

describe('parseKServeRequest', () => {
  it('reads flat and nested data of every numeric datatype, echoing the id', () => {
    const rows = { kind: 'tensor', rows: 2, values: new Float32Array([1, 2, 3, 4]) };
    expect(parse({ id: 'r-1', inputs: [tensor()] })).toEqual({ id: 'r-1', input: rows, outputs: [{ name: 'probabilities', member: null, classification: null }] });
    expect(parse({ inputs: [tensor({ data: [[1, 2], [3, 4]] })] }).input).toEqual(rows);
    for (const datatype of ['FP64', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64']) {
      expect(parse({ inputs: [tensor({ datatype })] }).input, datatype).toEqual(rows);
    }
  });

  it('reads BYTES as base64 images, and the outputs asked for, members and classification included', () => {
    const request = parse(
      { inputs: [{ name: 'input', shape: [2, 1], datatype: 'BYTES', data: [['AQI='], ['AwQ=']] }], outputs: [{ name: 'probabilities', parameters: { classification: 2 } }, { name: 'probabilities/other@4' }] },
      image,
    );
    expect(request.input).toEqual({ kind: 'images', images: [new Uint8Array([1, 2]), new Uint8Array([3, 4])] });
    expect(request.outputs).toEqual([
      { name: 'probabilities', member: null, classification: 2 },
      { name: 'probabilities/other@4', member: 1, classification: null },
    ]);
  });

  it.each([
    ['a body that is not an object', 'x', /^the request body must be an infer request object/, undefined, target],
    ['inputs that are not an array', { inputs: 3 }, /^inputs: Invalid input: expected array, received number$/, 'inputs', target],
    ['no input', { inputs: [] }, /^expected 1 input \("input"\) for model 'pair', got 0$/, 'inputs', target],
    ['two inputs', { inputs: [tensor(), tensor()] }, /^expected 1 input \("input"\) for model 'pair', got 2$/, 'inputs', target],
    ['an unknown input name', { inputs: [tensor({ name: 'x' })] }, /^unexpected inference input 'x' for model 'pair'/, 'inputs[0].name', target],
    ['an unknown datatype', { inputs: [tensor({ datatype: 'FP16' })] }, /^invalid datatype 'FP16' for input 'input': expected one of FP32, FP64, INT8/, 'inputs[0].datatype', target],
    ['a wrong rank', { inputs: [tensor({ shape: [4] })] }, /^unexpected shape for input 'input' for model 'pair'\. Expected \[-1,2\], got \[4\]$/, 'inputs[0].shape', target],
    ['a wrong shape', { inputs: [tensor({ shape: [1, 4] })] }, /Expected \[-1,2\], got \[1,4\]$/, 'inputs[0].shape', target],
    ['a shape that is not integers', { inputs: [tensor({ shape: [1.5, 2] })] }, /^inputs\[0\]\.shape\[0\]: /, 'inputs[0].shape[0]', target],
    ['flat data of the wrong size', { inputs: [tensor({ data: [1, 2, 3] })] }, /^inputs\[0\]\.data: shape \[2,2\] holds 4 values, got 3$/, 'inputs[0].data', target],
    ['nested data that differs from the shape', { inputs: [tensor({ data: [[1, 2, 3], [4]] })] }, /^inputs\[0\]\.data\[0\]: expected an array of 2, got an array of 3/, 'inputs[0].data[0]', target],
    ['a non-numeric value', { inputs: [tensor({ data: [1, 'two', 3, 4] })] }, /^inputs\[0\]\.data\[1\]: expected a number, got a string "two"$/, 'inputs[0].data[1]', target],
    ['a boolean value', { inputs: [tensor({ data: [1, true, 3, 4] })] }, /^inputs\[0\]\.data\[1\]: expected a number, got a boolean true$/, 'inputs[0].data[1]', target],
    ['Infinity', { inputs: [tensor({ data: [1, Infinity, 3, 4] })] }, /^inputs\[0\]\.data\[1\]: Infinity is not a finite float32 value$/, 'inputs[0].data[1]', target],
    ['NaN', { inputs: [tensor({ data: [NaN, 2, 3, 4] })] }, /^inputs\[0\]\.data\[0\]: NaN is not a finite float32 value$/, 'inputs[0].data[0]', target],
    ['a fraction in an integer tensor', { inputs: [tensor({ datatype: 'INT32', data: [1, 2.5, 3, 4] })] }, /^inputs\[0\]\.data: value 2\.5 \(row-major index 1\) is not a INT32/, 'inputs[0].data', target],
    ['a negative UINT8', { inputs: [tensor({ datatype: 'UINT8', data: [1, -2, 3, 4] })] }, /value -2 \(row-major index 1\) is not a UINT8 \(an integer from 0 to 255\)/, 'inputs[0].data', target],
    ['an INT8 out of range', { inputs: [tensor({ datatype: 'INT8', data: [1, 2, 300, 4] })] }, /value 300 \(row-major index 2\) is not a INT8/, 'inputs[0].data', target],
    ['no rows', { inputs: [tensor({ shape: [0, 2], data: [] })] }, /^inputs\[0\]\.shape\[0\]: must hold at least one input$/, 'inputs[0].shape[0]', target],
    ['too many rows', { inputs: [tensor({ shape: [4, 2], data: [1, 2, 3, 4, 5, 6, 7, 8] })] }, /holds 4 inputs, more than the 3 one request may hold$/, 'inputs[0].shape[0]', target],
    ['BYTES for a target without an image input', { inputs: [tensor({ datatype: 'BYTES', shape: [1], data: ['AQI='] })] }, /"pair" takes inputs of shape \[2\], not images$/, 'inputs[0]', target],
    ['BYTES of a wrong shape', { inputs: [tensor({ datatype: 'BYTES', shape: [1, 2], data: ['AQI=', 'AQI='] })] }, /^unexpected shape for BYTES input 'input'/, 'inputs[0].shape', image],
    ['BYTES that are not strings', { inputs: [tensor({ datatype: 'BYTES', shape: [1], data: [7] })] }, /^inputs\[0\]\.data\[0\]: expected a base64 string, got the number 7$/, 'inputs[0].data[0]', image],
    ['BYTES that are not base64', { inputs: [tensor({ datatype: 'BYTES', shape: [1], data: ['***'] })] }, /^inputs\[0\]\.data\[0\]: is not valid base64$/, 'inputs[0].data[0]', image],
    ['an unknown output', { inputs: [tensor()], outputs: [{ name: 'logits' }] }, /^unexpected inference output 'logits' for model 'pair' \(outputs: probabilities, probabilities\/dense@1, probabilities\/other@4\)$/, 'outputs[0].name', target],
    ['a classification that is not a positive integer', { inputs: [tensor()], outputs: [{ name: 'probabilities', parameters: { classification: 0 } }] }, /^outputs\[0\]\.parameters\.classification: /, 'outputs[0].parameters.classification', target],
  ])('refuses %s', (_case, body, message, path, on) => {
    const refused = refusal(body, on);
    expect(refused.message).toMatch(message);
    expect(refused.path).toBe(path);
  });
});

describe('kserveResponse', () => {
  it('answers FP32 [N, C] probabilities, Triton classification strings and member outputs, with model_version and id', () => {
    const output = { probabilities: new Float32Array([0.5, 0.25, 0.25, 0.125, 0.125, 0.75]), memberProbabilities: [new Float32Array(6), new Float32Array([0, 0.5, 0.5, 0, 0, 1])] };
    const request = { id: 'r-9', input: { kind: 'tensor' as const, rows: 2, values: new Float32Array(4) }, outputs: [
      { name: 'probabilities', member: null, classification: null },
      { name: 'probabilities', member: null, classification: 2 },
      { name: 'probabilities/other@4', member: 1, classification: null },
    ] };
    expect(kserveResponse(request, { ...target, version: 3 }, output)).toEqual({
      model_name: 'pair',
      model_version: '3',
      id: 'r-9',
      outputs: [
        { name: 'probabilities', datatype: 'FP32', shape: [2, 3], data: [0.5, 0.25, 0.25, 0.125, 0.125, 0.75] },
        { name: 'probabilities', datatype: 'BYTES', shape: [2, 2], data: ['0.500000:0:a', '0.250000:1:b', '0.750000:2:c', '0.125000:0:a'] },
        { name: 'probabilities/other@4', datatype: 'FP32', shape: [2, 3], data: [0, 0.5, 0.5, 0, 0, 1] },
      ],
    });
  });
});
