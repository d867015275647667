/** Test helper: awaits a promise that must fail with a ProblemError, and returns the error. */
import assert from 'node:assert/strict';
import { isProblemError, type ProblemError } from '../../src/core/problem.js';

export async function failure(promise: Promise<unknown>): Promise<ProblemError> {
  try {
    await promise;
  } catch (error) {
    if (isProblemError(error)) return error;
    throw error;
  }
  assert.fail('expected a ProblemError');
}
