/**
 * Problems are the only way expected failures travel through aktin-sftp.
 *
 * A problem has a stable code (scripts and tests match on it), a one-line title, a detail that
 * names the file, key, request or path concerned, and a hint that says what to do next.
 * Pure code returns problems as values and collects all of them; adapters throw a ProblemError
 * that carries one or more problems and keeps the library's error as `cause`.
 * A problem must never contain a secret: build details from whitelisted fields only.
 */

export type ProblemCode =
  | 'USAGE'
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_INVALID'
  | 'KEY_INVALID'
  | 'LEDGER_CORRUPT'
  | 'LEDGER_IO'
  | 'LEDGER_LOCKED'
  | 'LEDGER_UNSAFE'
  | 'PLAN_INVALID'
  | 'PLAN_STALE'
  | 'PLAN_DELETE_CAP'
  | 'BROKER_HTTP'
  | 'BROKER_AUTH'
  | 'BROKER_NETWORK'
  | 'BROKER_PROTOCOL'
  | 'HOST_KEY_UNKNOWN'
  | 'HOST_KEY_MISMATCH'
  | 'REMOTE_AUTH'
  | 'REMOTE_CONNECTION'
  | 'REMOTE_NO_SUCH_PATH'
  | 'REMOTE_PERMISSION'
  | 'REMOTE_IO'
  | 'DECRYPT_FAILED'
  | 'FILE_IO'
  | 'APPLY_FAILED'
  | 'CONFIRMATION_REQUIRED'
  | 'INTERRUPTED';

export interface Problem {
  readonly code: ProblemCode;
  /** One line: what went wrong. */
  readonly title: string;
  /** Which file, key, request or path, what was expected, what was found. */
  readonly detail?: string;
  /** What the user can do next. */
  readonly hint?: string;
}

export function problem(code: ProblemCode, title: string, detail?: string, hint?: string): Problem {
  return { code, title, ...(detail === undefined ? {} : { detail }), ...(hint === undefined ? {} : { hint }) };
}

/** The single error type adapters and use cases throw for expected failures. */
export class ProblemError extends Error {
  readonly problems: readonly Problem[];

  constructor(problems: Problem | readonly Problem[], options?: { cause?: unknown }) {
    const list = Array.isArray(problems) ? (problems as readonly Problem[]) : [problems as Problem];
    super(list.map((p) => p.title).join('; '), options);
    this.name = 'ProblemError';
    this.problems = list;
  }

  get code(): ProblemCode {
    return this.problems[0]!.code;
  }
}

export function isProblemError(error: unknown): error is ProblemError {
  return error instanceof ProblemError;
}

/** Result of a pure step that can fail with several problems at once. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const failed = <T = never>(problems: Problem[]): Outcome<T> => ({ ok: false, problems });
