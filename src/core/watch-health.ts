/**
 * Whether a running watch is healthy, for `/healthz`. Healthy means: the broker websocket is up,
 * a cycle has succeeded, and cycles are not failing. "Failing" is bounded so a monitor hears of
 * it within minutes, not after 2 × RESYNC: unhealthy after UNHEALTHY_AFTER_FAILED_CYCLES failed
 * cycles in a row, or once cycles have kept failing for UNHEALTHY_AFTER_FAILING_MS, whichever
 * comes first. A cycle that only waited for another run's lock (a cron `apply`) is no failure by
 * count, but it does run the clock: a lock held for 15 minutes is worth a page. The last success
 * older than the staleness limit (2 × RESYNC) still counts, for a loop that stopped cycling.
 * Pure; times are epoch ms.
 */
import { isLockWait, type CycleReport } from './watch-cycle.js';

export const UNHEALTHY_AFTER_FAILED_CYCLES = 3;
export const UNHEALTHY_AFTER_FAILING_MS = 15 * 60_000;

/** The failures since the last successful cycle. */
export interface FailureStreak {
  /** Failed cycles in a row, lock waits not counted. */
  readonly failedCycles: number;
  /** Start of the first failed (or lock-waiting) cycle since the last success. */
  readonly since: number | undefined;
}

export const NO_FAILURES: FailureStreak = { failedCycles: 0, since: undefined };

export function nextStreak(streak: FailureStreak, report: CycleReport): FailureStreak {
  if (report.outcome.ok) return NO_FAILURES;
  return { failedCycles: streak.failedCycles + (isLockWait(report.outcome) ? 0 : 1), since: streak.since ?? report.startedAtMs };
}

export interface WatchHealthInput {
  readonly now: number;
  readonly connected: boolean;
  readonly lastSuccessAt: number | undefined;
  readonly lastCycle: { readonly trigger: string; readonly ok: boolean; readonly at: number; readonly code?: string } | undefined;
  readonly streak: FailureStreak;
  readonly staleAfterMs: number;
}

export interface WatchHealth {
  readonly status: 'ok' | 'unhealthy';
  readonly connected: boolean;
  /** ISO-8601, null before the first success. */
  readonly lastSuccessfulCycle: string | null;
  readonly lastCycle: { readonly trigger: string; readonly ok: boolean; readonly at: string; readonly code?: string } | null;
  /** Failed cycles since the last success (lock waits not counted). */
  readonly failedCycles: number;
  /** ISO-8601 start of the failures since the last success; null while the last cycle succeeded. */
  readonly failingSince: string | null;
  /** Why it is unhealthy; empty when ok. */
  readonly reasons: readonly string[];
}

export function assessHealth(input: WatchHealthInput): WatchHealth {
  const { streak } = input;
  const reasons: string[] = [];
  if (!input.connected) reasons.push('the broker websocket is down');
  if (streak.failedCycles >= UNHEALTHY_AFTER_FAILED_CYCLES) reasons.push(`${streak.failedCycles} cycles in a row failed`);
  if (streak.since !== undefined && input.now - streak.since >= UNHEALTHY_AFTER_FAILING_MS) {
    reasons.push(`cycles have failed or waited for a lock for ${Math.floor((input.now - streak.since) / 60_000)} min`);
  }
  if (input.lastSuccessAt === undefined) reasons.push('no cycle has succeeded yet');
  else if (input.now - input.lastSuccessAt > input.staleAfterMs) reasons.push(`the last successful cycle is older than ${Math.round(input.staleAfterMs / 1000)} s`);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    status: reasons.length === 0 ? 'ok' : 'unhealthy',
    connected: input.connected,
    lastSuccessfulCycle: input.lastSuccessAt === undefined ? null : iso(input.lastSuccessAt),
    lastCycle: input.lastCycle === undefined ? null : { ...input.lastCycle, at: iso(input.lastCycle.at) },
    failedCycles: streak.failedCycles,
    failingSince: streak.since === undefined ? null : iso(streak.since),
    reasons,
  };
}
