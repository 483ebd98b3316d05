// Reads a Keras layer config the way tfjs does (snake_case or camelCase keys alike) and refuses, naming the layer, what it cannot verify.
import { isObject, modelJsonProblem } from './layers-artifact';

/** A tensor shape with its batch dimension first; null is a free dimension. */
export type Shape = (number | null)[];

const toCamelCase = (identifier: string): string =>
  identifier.includes('_') ? identifier.replace(/_+(\w|$)/g, (_, next: string) => next.toUpperCase()) : identifier;

/**
 * tfjs's `convertPythonicToTs`, so both runtimes read a topology alike: keys and string values
 * become camelCase (`channels_last` -> `channelsLast`), except `name` values and the layer names
 * that open each entry of `inboundNodes`, `inputLayers` and `outputLayers`.
 */
export function toTfjsConfig(value: unknown, key?: string): unknown {
  if (typeof value === 'string') return toCamelCase(value);
  if (Array.isArray(value)) {
    const keepsNames = key === 'inboundNodes' || key === 'inputLayers' || key === 'outputLayers';
    return value.map((item, i) => (keepsNames && i === 0 && typeof item === 'string' ? item : toTfjsConfig(item, key)));
  }
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    if (name === 'name' && typeof item === 'string') out[name] = item;
    else out[toCamelCase(name)] = toTfjsConfig(item, toCamelCase(name));
  }
  return out;
}

const isPositiveInteger = (value: unknown): value is number => Number.isInteger(value) && (value as number) > 0;

/** Activations tfjs 4 knows by name (after camelCase conversion). */
const ACTIVATIONS = new Set(['elu', 'selu', 'relu', 'relu6', 'linear', 'sigmoid', 'hardSigmoid', 'softplus', 'softsign', 'tanh', 'softmax', 'logSoftmax', 'gelu', 'mish', 'swish']);

/** Classes tfjs 4 deserializes for `…Initializer`, `…Regularizer` and `…Constraint` options. */
const HELPER_CLASSES: Record<string, Set<string>> = {
  Initializer: new Set(['Zeros', 'Ones', 'Constant', 'RandomUniform', 'RandomNormal', 'TruncatedNormal', 'Identity', 'VarianceScaling', 'GlorotUniform', 'GlorotNormal', 'HeNormal', 'HeUniform', 'LeCunNormal', 'LeCunUniform', 'Orthogonal']),
  Regularizer: new Set(['L1L2']),
  Constraint: new Set(['MaxNorm', 'UnitNorm', 'NonNeg', 'MinMaxNorm']),
};

/** One layer's config, camelCased, with typed readers that refuse bad values naming the layer and the option. */
export class LayerConfig {
  constructor(
    readonly name: string,
    readonly className: string,
    private readonly config: Record<string, unknown>,
  ) {}

  /** A 422 about this layer. */
  problem(message: string): Error {
    return modelJsonProblem(`layer "${this.name}" (${this.className}): ${message}`);
  }

  has(key: string): boolean {
    return this.config[key] !== undefined && this.config[key] !== null;
  }

  raw(key: string): unknown {
    return this.config[key];
  }

  positiveInteger(key: string, fallback?: number): number {
    const value = this.has(key) ? this.config[key] : fallback;
    if (!isPositiveInteger(value)) throw this.problem(`${key} must be a positive integer, not ${JSON.stringify(value)}`);
    return value;
  }

  integer(key: string, fallback: number): number {
    const value = this.has(key) ? this.config[key] : fallback;
    if (!Number.isInteger(value)) throw this.problem(`${key} must be an integer, not ${JSON.stringify(value)}`);
    return value as number;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.has(key) ? this.config[key] : fallback;
    if (typeof value !== 'boolean') throw this.problem(`${key} must be true or false, not ${JSON.stringify(value)}`);
    return value;
  }

  /** A positive integer or a pair of them, as 2-D layers take `kernel_size`, `strides`, `pool_size`. */
  pair(key: string, fallback?: number | [number, number]): [number, number] {
    const value = this.has(key) ? this.config[key] : fallback;
    if (isPositiveInteger(value)) return [value, value];
    if (Array.isArray(value) && value.length === 2 && value.every(isPositiveInteger)) return value as [number, number];
    throw this.problem(`${key} must be a positive integer or a pair of them, not ${JSON.stringify(value)}`);
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.has(key) ? this.config[key] : fallback;
    if (!allowed.includes(value as T)) {
      throw this.problem(`${key} ${JSON.stringify(value)} is not supported; the registry verifies ${allowed.map((a) => JSON.stringify(a)).join(' or ')}`);
    }
    return value as T;
  }

  /** tfjs pads "same" or "valid" (its "causal" is 1-D only). */
  padding(): 'same' | 'valid' {
    return this.oneOf('padding', ['valid', 'same'], 'valid');
  }

  /** Only channels-last is verified; channels-first models are refused rather than guessed at. */
  requireChannelsLast(): void {
    const format = this.config.dataFormat;
    if (format === undefined || format === null || format === 'channelsLast') return;
    if (format === 'channelsFirst') throw this.problem('data_format channels_first is not supported; the registry verifies channels-last models only');
    throw this.problem(`data_format ${JSON.stringify(format)} is not a data format`);
  }

  /**
   * The options every layer may carry, checked so that what is accepted will also deserialize in
   * tfjs: float32 dtype, a known activation, known initializer/regularizer/constraint classes.
   */
  checkCommonOptions(): void {
    const { dtype, activation } = this.config;
    if (dtype !== undefined && dtype !== null && dtype !== 'float32') {
      throw this.problem(`dtype ${JSON.stringify(dtype)} is not supported; the registry verifies float32 layers only`);
    }
    if (activation !== undefined && activation !== null && !(typeof activation === 'string' && ACTIVATIONS.has(activation))) {
      throw this.problem(`activation ${JSON.stringify(activation)} is not one TensorFlow.js knows`);
    }
    if (this.has('trainable')) this.boolean('trainable', true);
    for (const [key, value] of Object.entries(this.config)) {
      const kind = Object.keys(HELPER_CLASSES).find((suffix) => key.endsWith(suffix));
      if (kind === undefined || value === null || value === undefined) continue;
      const className = isObject(value) ? value.className : undefined;
      if (typeof className !== 'string' || !HELPER_CLASSES[kind]!.has(className)) {
        throw this.problem(`${key} ${JSON.stringify(className ?? value)} is not a ${kind.toLowerCase()} the registry can verify`);
      }
    }
  }
}
