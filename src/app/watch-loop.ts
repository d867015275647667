/**
 * The `aktin-sftp watch` daemon loop, independent of how a cycle is done: it subscribes to the
 * broker's events, runs a full reconcile at start, targeted cycles for the requests events name
 * (debounced), a full resync on an interval and after every reconnect, retries a failed cycle
 * with backoff, and never runs two cycles at once — events that arrive during a cycle are kept
 * for the next. On abort it lets the cycle in flight finish (the cycle gets the signal, to stop
 * starting new work), closes the subscription and returns. The decisions are in
 * core/watch-schedule.ts; time comes from injectable timers so tests need no real sleeps.
 */
import { backoffDelay, EQUAL_JITTER } from '../core/backoff.js';
import { eventRequestId, type BrokerEvent } from '../core/broker-event.js';
import { compareRequestIds, type RequestId } from '../core/model.js';
import type { CycleReport, CycleResult, CycleScope, CycleTrigger } from '../core/watch-cycle.js';
import { decide } from '../core/watch-schedule.js';
import type { BrokerEventSource, EventSourceState } from './ports.js';

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export interface WatchTimers {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: WatchTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface CycleContext {
  readonly trigger: CycleTrigger;
  /** Aborted on SIGTERM: finish what is in flight, start nothing new. */
  readonly signal: AbortSignal;
}

export interface WatchOptions {
  readonly source: BrokerEventSource;
  /** One plan/apply cycle over every tagged request ('all') or only these ids (ascending). */
  readonly reconcile: (scope: RequestId[] | 'all', context: CycleContext) => Promise<CycleResult>;
  readonly signal: AbortSignal;
  /** Quiet time after the last event before a targeted cycle; default 2 s. */
  readonly debounceMs?: number;
  /** Longest wait after the first event of a batch; default 5 × debounce. */
  readonly maxWaitMs?: number;
  /** Full resync interval; default 1 h. */
  readonly resyncMs?: number;
  /** How long the start cycle waits for the socket's first state (so it starts after the socket is up); default 5 s. */
  readonly startWaitMs?: number;
  /** Retry backoff of a failed cycle: first delay and cap; defaults 1 s and 5 min. */
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  readonly timers?: WatchTimers;
  /** Jitter source in [0, 1); default Math.random. */
  readonly random?: () => number;
  readonly onCycle?: (report: CycleReport) => void;
  readonly onState?: (state: EventSourceState) => void;
  readonly onEvent?: (event: BrokerEvent) => void;
}

export async function runWatch(options: WatchOptions): Promise<void> {
  const timers = options.timers ?? systemTimers;
  const random = options.random ?? Math.random;
  const debounceMs = options.debounceMs ?? 2000;
  const timing = { debounceMs, maxWaitMs: options.maxWaitMs ?? 5 * debounceMs, resyncMs: options.resyncMs ?? 3_600_000 };
  const { signal } = options;

  /** Request id → when its earliest uncovered event arrived. */
  const pending = new Map<RequestId, number>();
  let lastEventAt: number | undefined;
  let full: Exclude<CycleTrigger, 'events'> | undefined;
  let lastFullAt: number | undefined;
  let gateUntil: number | undefined = timers.now() + (options.startWaitMs ?? 5000);
  let everConnected = false;
  let failures = 0;
  let retryAt: number | undefined;
  let wake: (() => void) | undefined;
  const poke = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };

  const subscription = options.source.subscribe(
    (event) => {
      safely(() => options.onEvent?.(event));
      const id = eventRequestId(event);
      if (id === undefined) return;
      const now = timers.now();
      if (!pending.has(id)) pending.set(id, now);
      lastEventAt = now;
      poke();
    },
    (state) => {
      safely(() => options.onState?.(state));
      gateUntil = undefined;
      if (state.connected) {
        // Events were lost while down, or before the first connect if the start cycle already began.
        if (everConnected || lastFullAt !== undefined) full ??= 'reconnect';
        everConnected = true;
      }
      poke();
    },
  );
  signal.addEventListener('abort', poke, { once: true });

  const sleep = async (until: number | undefined) => {
    if (signal.aborted) return;
    let handle: unknown;
    await new Promise<void>((resolve) => {
      wake = resolve;
      // Node fires longer timeouts at once (TimeoutOverflowWarning); waking early only re-decides.
      if (until !== undefined) handle = timers.setTimeout(poke, Math.min(MAX_TIMEOUT_MS, Math.max(0, until - timers.now())));
    });
    if (handle !== undefined) timers.clearTimeout(handle);
  };

  const cycle = async (trigger: CycleTrigger, scope: CycleScope) => {
    const startedAtMs = timers.now();
    const wanted = scope === 'all' ? undefined : new Set(scope);
    const covered = new Map([...pending].filter(([id]) => wanted === undefined || wanted.has(id)));
    for (const id of covered.keys()) pending.delete(id);
    if (pending.size === 0) lastEventAt = undefined;
    if (scope === 'all') {
      full = undefined;
      lastFullAt = startedAtMs;
    }
    const earliest = earliestOf(covered);
    const attempt = failures + 1;
    let outcome: CycleReport['outcome'];
    try {
      const result = await options.reconcile(scope === 'all' ? 'all' : [...scope], { trigger, signal });
      failures = 0;
      retryAt = undefined;
      outcome = { ok: true, result };
    } catch (error) {
      // The work is owed again: the full reconcile, or the ids with their original event times.
      if (scope === 'all') full ??= trigger === 'events' ? 'resync' : trigger;
      for (const [id, at] of covered) pending.set(id, Math.min(at, pending.get(id) ?? at));
      if (pending.size > 0) lastEventAt ??= timers.now();
      const retryInMs = backoffDelay(failures, { firstMs: options.retryInitialMs ?? 1000, maxMs: options.retryMaxMs ?? 300_000, jitter: EQUAL_JITTER }, random());
      failures += 1;
      retryAt = timers.now() + retryInMs;
      outcome = { ok: false, error, retryInMs };
    }
    const end = timers.now();
    const report: CycleReport = { trigger, scope, attempt, startedAtMs, durationMs: end - startedAtMs, ...(earliest === undefined ? {} : { eventLagMs: end - earliest }), outcome };
    safely(() => options.onCycle?.(report));
  };

  try {
    while (!signal.aborted) {
      const firstEventAt = earliestOf(pending);
      const decision = decide({ now: timers.now(), gateUntil, retryAt, full, lastFullAt, pending: pending.size, firstEventAt, lastEventAt }, timing);
      if (decision.kind === 'wait') await sleep(decision.until);
      else if (decision.kind === 'full') await cycle(decision.trigger, 'all');
      else await cycle('events', [...pending.keys()].sort(compareRequestIds));
    }
  } finally {
    signal.removeEventListener('abort', poke);
    await subscription.close();
  }
}

/** The earliest event time (a loop: a spread of a huge map would overflow the stack). */
function earliestOf(times: ReadonlyMap<RequestId, number>): number | undefined {
  let earliest: number | undefined;
  for (const at of times.values()) if (earliest === undefined || at < earliest) earliest = at;
  return earliest;
}

/** A reporting callback must not take the daemon down. */
function safely(report: () => void): void {
  try {
    report();
  } catch {
    // deliberately ignored: observers are not part of the loop's correctness
  }
}
