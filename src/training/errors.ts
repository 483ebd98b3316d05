// Typed errors of the training engine, for one HTTP/node error handler to map.

export { CheckpointFormatError } from './checkpoint';
export { OptimizerStateError } from './optimizers';
export { InvalidSpecError } from './spec';

export class TrainingCancelledError extends Error {
  override readonly name = 'TrainingCancelledError';
  constructor(readonly epoch: number) {
    super(`training cancelled during epoch ${epoch}`);
  }
}

export class IncompatibleDataError extends Error {
  override readonly name = 'IncompatibleDataError';
}
