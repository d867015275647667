/**
 * Retry policy for broker calls that are safe to repeat: the one backoff formula with equal
 * jitter (retry n waits base × 2^n × [0.5, 1), at most a minute), only for failures marked
 * retryable (network errors and 5xx), each retry reported as a warning event. Callers decide
 * which calls may use it.
 * Once `signal` is aborted (the client is closing because the run failed elsewhere, e.g. at the
 * SFTP folder) nothing is retried or reported: the call was cut by us, not by the broker.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventSink } from '../../app/ports.js';
import { backoffDelay, EQUAL_JITTER } from '../../core/backoff.js';
import { isRetryable } from './response.js';

export interface RetryOptions {
  readonly retries: number;
  readonly backoffMs: number;
  readonly onEvent?: EventSink;
  readonly signal?: AbortSignal;
  /** Jitter source in [0, 1); default Math.random. */
  readonly random?: () => number;
}

const MAX_WAIT_MS = 60_000;

export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= options.retries || !isRetryable(error) || options.signal?.aborted) throw error;
      const delay = backoffDelay(n, { firstMs: options.backoffMs, maxMs: MAX_WAIT_MS, jitter: EQUAL_JITTER }, (options.random ?? Math.random)());
      options.onEvent?.({ type: 'warning', message: `${(error as Error).message}; retry ${n + 1} of ${options.retries} in ${(delay / 1000).toFixed(1)} s` });
      try {
        await sleep(delay, undefined, options.signal ? { signal: options.signal } : {});
      } catch {
        throw error; // closed while waiting: the last failure stands, unretried
      }
    }
  }
}
