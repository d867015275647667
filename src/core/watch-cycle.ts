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

/**
 * A cycle that met another run's ledger lock (a cron `apply`): nothing is wrong, the work waits
 * for the retry. Logged as a warning, not an error, and not counted as a failure by /healthz
 * until it lasts (core/watch-health.ts).
 */
export function isLockWait(outcome: CycleOutcome): boolean {
  return !outcome.ok && (outcome.error as { code?: unknown } | null)?.code === 'LEDGER_LOCKED';
}

/** One log line per cycle: trigger, ids, actions, duration, and the lag or the retry. */
export function cycleLogLine(report: CycleReport): string {
  const scope = report.scope === 'all' ? 'all requests' : `request${report.scope.length === 1 ? '' : 's'} ${abbreviate(report.scope)}`;
  const attempt = report.attempt > 1 ? ` (attempt ${report.attempt})` : '';
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const head = `watch: ${report.trigger} cycle for ${scope}${attempt}`;
  if (!report.outcome.ok && isLockWait(report.outcome)) return `${head} waits for another run's lock (${seconds(report.durationMs)}): ${errorText(report.outcome.error)}; retry in ${seconds(report.outcome.retryInMs)}`;
  if (!report.outcome.ok) return `${head} failed after ${seconds(report.durationMs)}: ${errorText(report.outcome.error)}; retry in ${seconds(report.outcome.retryInMs)}`;
  const done = Object.entries(report.outcome.result.actions).filter(([, n]) => n > 0);
  const actions = done.length === 0 ? 'no changes' : done.map(([kind, n]) => `${n} ${kind}`).join(', ');
  const lag = report.eventLagMs === undefined ? '' : `, ${seconds(report.eventLagMs)} after the first event`;
  return `${head}: ${actions} in ${seconds(report.durationMs)}${lag}`;
}

/** The first ids and how many more: a resync after a burst must not print thousands. */
function abbreviate(ids: readonly string[], shown = 10): string {
  return ids.length <= shown ? ids.join(', ') : `${ids.slice(0, shown).join(', ')} and ${ids.length - shown} more`;
}

/** A problem's code and title; anything else is unexpected (its message, never a stack). */
function errorText(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && /^[A-Z][A-Z_]+$/.test(code) ? `${code}: ${message}` : `unexpected error: ${message}`;
}
