// Optimizers with PyTorch semantics (Adam, AdamW, SGD with momentum), learning-rate control and savable state.

import * as tf from '@tensorflow/tfjs';
import { OptimizerStateError } from './errors';
import type { OptimizerSpec } from './spec/optimizer';

/** A tfjs optimizer plus what tfjs lacks: settable learning rate for all kinds and decoupled weight decay. */
export class TrainingOptimizer {
  readonly optimizer: tf.Optimizer;
  private learningRate: number;

  constructor(readonly spec: OptimizerSpec) {
    this.learningRate = spec.learningRate;
    if (spec.name === 'sgd') {
      this.optimizer =
        spec.momentum > 0
          ? tf.train.momentum(spec.learningRate, spec.momentum, spec.nesterov)
          : tf.train.sgd(spec.learningRate);
    } else {
      this.optimizer = tf.train.adam(spec.learningRate, spec.beta1, spec.beta2, spec.epsilon);
    }
  }

  setLearningRate(learningRate: number): void {
    this.learningRate = learningRate;
    // (instanceof is useless here: tfjs optimizers override Symbol.hasInstance with duck typing.)
    if (this.spec.name === 'sgd') (this.optimizer as tf.SGDOptimizer).setLearningRate(learningRate);
    // AdamOptimizer reads its (protected) learningRate field on every step.
    else (this.optimizer as unknown as { learningRate: number }).learningRate = learningRate;
  }

  /** One update of `variables` from `grads` (keyed by variable name); disposes nothing it does not own. */
  step(variables: readonly tf.Variable[], grads: tf.NamedTensorMap): void {
    const { weightDecay, name } = this.spec;
    if (weightDecay > 0 && name === 'adamw') {
      // torch AdamW: p <- p * (1 - lr * wd), then the Adam step with the gradient taken before the decay.
      tf.tidy(() => variables.forEach((v) => v.assign(tf.mul(v, 1 - this.learningRate * weightDecay))));
    }
    if (weightDecay > 0 && name !== 'adamw') {
      const decayed = tf.tidy(() => {
        const out: tf.NamedTensorMap = {};
        for (const v of variables) {
          const g = grads[v.name];
          if (g) out[v.name] = tf.add(g, tf.mul(v, weightDecay));
        }
        return out;
      });
      this.optimizer.applyGradients(decayed);
      tf.dispose(Object.values(decayed));
      return;
    }
    this.optimizer.applyGradients(grads);
  }

  /** Serialises iteration count and moment/accumulator variables: magic, header length, JSON header, weight data. */
  async saveState(): Promise<Uint8Array> {
    const named = await this.optimizer.getWeights();
    const { data, specs } = await tf.io.encodeWeights(named);
    tf.dispose(named.filter((n) => n.name === 'iter').map((n) => n.tensor));
    const header = new TextEncoder().encode(JSON.stringify({ optimizer: this.spec.name, specs }));
    const weightBytes = new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
    const out = new Uint8Array(8 + header.length + weightBytes.length);
    out.set(OPTIMIZER_STATE_MAGIC, 0);
    new DataView(out.buffer).setUint32(4, header.length, true);
    out.set(header, 8);
    out.set(weightBytes, 8 + header.length);
    return out;
  }

  /** Restores state written by saveState; the optimizer must be fresh and of the same kind. */
  async loadState(bytes: Uint8Array): Promise<void> {
    const magic = new TextDecoder().decode(bytes.subarray(0, 4));
    if (bytes.length < 8 || magic !== 'DOS1') throw new OptimizerStateError('optimizer state does not start with DOS1');
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as {
      optimizer: string;
      specs: tf.io.WeightsManifestEntry[];
    };
    if (header.optimizer !== this.spec.name) {
      throw new OptimizerStateError(`optimizer state is for ${header.optimizer}, this run uses ${this.spec.name}`);
    }
    const names = header.specs.map((s) => s.name);
    if (new Set(names).size !== names.length) throw new OptimizerStateError('optimizer state has duplicate names');
    const decoded = tf.io.decodeWeights(bytes.slice(8 + headerLength).buffer, header.specs);
    const ordered = names.map((name) => ({ name, tensor: decoded[name] as tf.Tensor }));
    await this.optimizer.setWeights(ordered);
    tf.dispose(Object.values(decoded));
  }

  dispose(): void {
    this.optimizer.dispose();
    // tfjs's MomentumOptimizer.dispose forgets the learning-rate scalar its SGD parent keeps.
    if (this.spec.name === 'sgd' && this.spec.momentum > 0) tf.SGDOptimizer.prototype.dispose.call(this.optimizer);
  }
}

const OPTIMIZER_STATE_MAGIC = new TextEncoder().encode('DOS1');
