// What each protocol's model metadata says of a target: TF Serving's signature_def and KServe's tensor metadata,
// both describing the one signature (signature.ts). Class labels ride along, as clients need them to read answers.
import type { ServingTarget } from '../../registry/ports';
import { memberOutputName } from './kserve-request';
import { INPUT_NAME, OUTPUT_NAME, SIGNATURE_NAME } from './signature';

const batchOf = (shape: readonly number[]) => [-1, ...shape];

function tensorInfo(name: string, shape: readonly number[]) {
  return {
    dtype: 'DT_FLOAT',
    tensor_shape: { dim: batchOf(shape).map((size) => ({ size: String(size), name: '' })), unknown_rank: false },
    name: `${name}:0`,
  };
}

/** `GET /v1/models/{name}[/versions/{v}]/metadata`: the model spec and its serving_default signature. */
export function tfServingMetadata(target: ServingTarget) {
  return {
    model_spec: { name: target.name, signature_name: '', version: String(target.version) },
    metadata: {
      signature_def: {
        signature_def: {
          [SIGNATURE_NAME]: {
            inputs: { [INPUT_NAME]: tensorInfo(INPUT_NAME, target.inputShape) },
            outputs: { [OUTPUT_NAME]: tensorInfo(OUTPUT_NAME, [target.classLabels.length]) },
            method_name: 'tensorflow/serving/predict',
          },
        },
      },
      class_labels: target.classLabels,
      ...(target.kind === 'ensemble' ? { ensemble: { aggregation: target.aggregation, members: membersOf(target) } } : {}),
    },
  };
}

/** `GET /v2/models/{name}[/versions/{v}]`: KServe's model metadata; an ensemble also lists each member's output. */
export function kserveMetadata(target: ServingTarget, versions: string[]) {
  const probabilities = (name: string) => ({ name, datatype: 'FP32', shape: batchOf([target.classLabels.length]) });
  return {
    name: target.name,
    versions,
    platform: target.kind === 'ensemble' ? 'ensemble' : 'tensorflowjs_layers',
    inputs: [{ name: INPUT_NAME, datatype: 'FP32', shape: batchOf(target.inputShape) }],
    outputs: [probabilities(OUTPUT_NAME), ...(target.kind === 'ensemble' ? target.members.map((member) => probabilities(memberOutputName(member))) : [])],
    parameters: { class_labels: target.classLabels },
  };
}

function membersOf(target: ServingTarget) {
  return target.members.map(({ model, version, weight }) => ({ model, version, weight }));
}
