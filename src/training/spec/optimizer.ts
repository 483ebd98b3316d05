// The optimizer part of a run spec (PyTorch semantics and defaults); the tfjs optimizers live in ../optimizers.

import { z } from 'zod';

export const optimizerSpecSchema = z.strictObject({
  name: z.enum(['adam', 'adamw', 'sgd']).default('adam'),
  learningRate: z.number().positive().default(1e-3),
  /** SGD only; torch.optim.SGD's default is 0. */
  momentum: z.number().min(0).lt(1).default(0),
  nesterov: z.boolean().default(false),
  /** adam/sgd: L2 added to the gradient (torch weight_decay); adamw: decoupled decay. */
  weightDecay: z.number().min(0).default(0),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  /** torch's default epsilon (tfjs would otherwise use 1e-7). */
  epsilon: z.number().positive().default(1e-8),
});
export type OptimizerSpec = z.infer<typeof optimizerSpecSchema>;
