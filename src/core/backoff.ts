/**
 * The one backoff formula: every wait before trying again — a broker call, an SSH connection
 * dropped before its session, a failed watch cycle, a lost event stream, a held ledger lock — is
 * drawn from it. The ceiling doubles per step up to a cap; a share of it (`jitter`) is drawn at
 * random, so that many runs that failed together do not come back in step. Pure: the caller passes
 * the random draw in, so that tests fix it.
 */
export interface Backoff {
  /** Ceiling of the first wait, ms; doubled per step. */
  readonly firstMs: number;
  /** Ceiling of every wait, ms. */
  readonly maxMs: number;
  /** Share of the ceiling drawn at random: 0 none, 0.5 "equal jitter", 1 "full jitter". */
  readonly jitter: number;
}

/** Half the wait fixed, half at random: never a retry at once, never all at the same moment. */
export const EQUAL_JITTER = 0.5;

/**
 * Milliseconds to wait before try `step + 1` (step 0: the first retry):
 * ceiling × (1 − jitter + jitter × random), ceiling = min(maxMs, firstMs × 2^step), random in [0, 1).
 */
export function backoffDelay(step: number, backoff: Backoff, random: number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.min(Math.max(step, 0), 30));
  return Math.round(ceiling * (1 - backoff.jitter + backoff.jitter * random));
}
