/**
 * What one cycle of `aktin-sftp watch` is and reports: why it ran, what it covered, how it
 * ended. Shared by the loop (src/app/watch-loop.ts), the log lines and the metrics server.
 * Plain data; times are epoch milliseconds so the core stays free of the clock.
 */
import type { RequestId } from './model.js';

/** start: the first full reconcile; events: a targeted one; resync: the periodic full one; reconnect: full after the socket was down. */
export type CycleTrigger = 'start' | 'events' | 'resync' | 'reconnect';

/** Every tagged request, or only these. */
export type CycleScope = readonly RequestId[] | 'all';

/** What a successful cycle did, as the plan/apply use cases count it. */
export interface CycleResult {
  /** Actions done, by kind (e.g. upload, replace, delete, ledger). */
  readonly actions: Readonly<Record<string, number>>;
  /** Bytes uploaded. */
  readonly bytes: number;
}

export type CycleOutcome =
  | { readonly ok: true; readonly result: CycleResult }
  | { readonly ok: false; readonly error: unknown; readonly retryInMs: number };

export interface CycleReport {
  readonly trigger: CycleTrigger;
  readonly scope: CycleScope;
  /** 1 for the first try of this work, 2 for its first retry, … */
  readonly attempt: number;
  readonly startedAtMs: number;
  readonly durationMs: number;
  /** From the earliest event this cycle covered to its end; absent when it covered no event. */
  readonly eventLagMs?: number;
  readonly outcome: CycleOutcome;
}
