// Test support for the protocol parsers' suites: what a refused parse threw, checked to be the protocol's 400.
import { expect } from 'vitest';
import { InvalidPredictionInputError } from '../../../src/api/predict/errors';

/** The message and `path` of the 400 that `parse()` throws; fails the test when it accepts. */
export function refusalOf(parse: () => unknown): { message: string; path: unknown } {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPredictionInputError);
    const refused = error as InvalidPredictionInputError;
    expect(refused.status).toBe(400);
    return { message: refused.message, path: refused.details.path };
  }
  throw new Error('the request was accepted');
}
