// Classification and distillation losses on logits: cross-entropy, soft cross-entropy and Hinton's KD loss.

import * as tf from '@tensorflow/tfjs';

/** Mean cross-entropy of logits [N, C] against integer labels [N] (torch F.cross_entropy). */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const numClasses = logits.shape[1];
    const targets = tf.oneHot(tf.cast(labels, 'int32'), numClasses).toFloat() as tf.Tensor2D;
    return softCrossEntropy(targets, logits);
  });
}

/** Reference soft cross-entropy: `-(targetProbs * log_softmax(logits)).sum(1).mean()`. */
export function softCrossEntropy(targetProbs: tf.Tensor2D, logits: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(targetProbs, tf.logSoftmax(logits)), 1))) as tf.Scalar);
}

export interface DistillationLossInput {
  studentLogits: tf.Tensor2D;
  /** Aggregated teacher probabilities at temperature T, i.e. softmax(teacher logits / T). */
  teacherProbs: tf.Tensor2D;
  /** Integer labels; needed only when alpha > 0. */
  labels?: tf.Tensor1D;
  temperature: number;
  alpha: number;
}

/**
 * Hinton's loss `alpha*CE(y, s) + (1-alpha)*T^2*KL(p_t^T || p_s^T)`, computed with the soft cross-entropy in place
 * of the KL divergence. The two differ by the teacher entropy, which does not depend on the student, so the
 * gradients are identical; and at the reference setting (T=1, alpha=0) the reported value is exactly the reference
 * soft cross-entropy `-(p_teacher * log p_student).sum(1).mean()`.
 */
export function distillationLoss({ studentLogits, teacherProbs, labels, temperature, alpha }: DistillationLossInput): tf.Scalar {
  return tf.tidy(() => {
    const soft = (): tf.Scalar => {
      const scaled = temperature === 1 ? studentLogits : tf.div(studentLogits, temperature);
      const loss = softCrossEntropy(teacherProbs, scaled as tf.Tensor2D);
      const weight = (1 - alpha) * temperature * temperature;
      return weight === 1 ? loss : tf.mul(loss, weight);
    };
    if (alpha === 0) return soft();
    if (!labels) throw new RangeError('distillation with alpha > 0 needs labels');
    const hard = crossEntropy(studentLogits, labels);
    if (alpha === 1) return hard;
    return tf.add(tf.mul(hard, alpha), soft());
  });
}
