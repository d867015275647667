/**
 * When the watch loop runs which cycle, as a pure function of what it knows: a full reconcile
 * first (after the socket's first word or a short wait for it), then targeted cycles a debounce
 * after the last event (but no later than maxWait after the first, so a steady stream cannot
 * starve them), a full resync every resync interval and after each reconnect, and nothing at all
 * while a failed cycle waits out its backoff.
 */
import type { CycleTrigger } from './watch-cycle.js';

export interface WatchTiming {
  readonly debounceMs: number;
  readonly maxWaitMs: number;
  readonly resyncMs: number;
}

export interface WatchView {
  readonly now: number;
  /** Before this the start cycle waits for the socket's first state; undefined once it may run. */
  readonly gateUntil: number | undefined;
  /** A failed cycle's retry time. */
  readonly retryAt: number | undefined;
  /** A full reconcile owed, and why. */
  readonly full: Exclude<CycleTrigger, 'events'> | undefined;
  /** Start of the last full cycle; undefined before the first. */
  readonly lastFullAt: number | undefined;
  readonly pending: number;
  readonly firstEventAt: number | undefined;
  readonly lastEventAt: number | undefined;
}

export type WatchDecision =
  | { readonly kind: 'full'; readonly trigger: Exclude<CycleTrigger, 'events'> }
  | { readonly kind: 'targeted' }
  /** until undefined: nothing is due, wait for news. */
  | { readonly kind: 'wait'; readonly until: number | undefined };

export function decide(view: WatchView, timing: WatchTiming): WatchDecision {
  const { now } = view;
  if (view.gateUntil !== undefined && now < view.gateUntil) return { kind: 'wait', until: view.gateUntil };
  if (view.retryAt !== undefined && now < view.retryAt) return { kind: 'wait', until: view.retryAt };
  if (view.full) return { kind: 'full', trigger: view.full };
  if (view.lastFullAt === undefined) return { kind: 'full', trigger: 'start' };
  const resyncAt = view.lastFullAt + timing.resyncMs;
  if (now >= resyncAt) return { kind: 'full', trigger: 'resync' };
  if (view.pending > 0 && view.firstEventAt !== undefined && view.lastEventAt !== undefined) {
    const due = Math.min(view.lastEventAt + timing.debounceMs, view.firstEventAt + timing.maxWaitMs);
    if (now >= due) return { kind: 'targeted' };
    return { kind: 'wait', until: Math.min(due, resyncAt) };
  }
  return { kind: 'wait', until: resyncAt };
}
