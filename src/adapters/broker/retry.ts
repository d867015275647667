/**
 * Retry policy for broker calls that are safe to repeat: exponential backoff with full jitter
 * (base × 2^n × [0.5, 1.5)), only for failures marked retryable (network errors and 5xx),
 * each retry reported as a warning event. Callers decide which calls may use it.
 */
import type { EventSink } from '../../app/ports.js';
import { isRetryable } from './response.js';

export interface RetryOptions {
  readonly retries: number;
  readonly backoffMs: number;
  readonly onEvent?: EventSink;
}

export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= options.retries || !isRetryable(error)) throw error;
      const delay = Math.round(options.backoffMs * 2 ** n * (0.5 + Math.random()));
      options.onEvent?.({ type: 'warning', message: `${(error as Error).message}; retry ${n + 1} of ${options.retries} in ${(delay / 1000).toFixed(1)} s` });
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
