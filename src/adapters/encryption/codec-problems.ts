/**
 * The problems both public-key codecs raise. A refused file gets DECRYPT_FAILED, the
 * scheme-neutral code every scheme uses for "this file does not open"; a bad key file gets
 * KEY_INVALID. Messages name the format and what is wrong, never key material or
 * file content: the caller adds the file name.
 */
import { ProblemError, problem, type ProblemCode } from '../../core/problem.js';

const REFUSED_FILE: ProblemCode = 'DECRYPT_FAILED';

export function refusedFile(format: string, why: string, cause?: unknown): ProblemError {
  return new ProblemError(
    problem(REFUSED_FILE, `Not a valid ${format} file for this key: ${why}`, `${why.charAt(0).toUpperCase()}${why.slice(1)}.`, 'Check that this is the right secret key for this file, and that the file is complete.'),
    cause === undefined ? undefined : { cause },
  );
}

export function invalidKey(source: string, why: string, hint?: string): ProblemError {
  return new ProblemError(problem('KEY_INVALID', `${source} is not usable: ${why}`, undefined, hint));
}
