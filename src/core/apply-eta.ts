/**
 * How long an apply still needs, from how far it got. Finished actions count whole; an upload
 * in flight counts by the share of its token already sent, when its size is known (the broker
 * sent Content-Length). The rest is assumed to go at the pace so far. Too early to tell is no
 * estimate rather than a wild one: nothing done yet, or less than a second in.
 */

export interface ApplyPace {
  readonly elapsedMs: number;
  /** Actions of the plan, as apply_start announced them. */
  readonly actions: number;
  /** Actions done or failed. */
  readonly finished: number;
  readonly inFlight: readonly { readonly bytes: number; readonly expectedBytes?: number }[];
}

/** Below this the pace says nothing yet (a connection set-up, a first chunk). */
const MIN_ELAPSED_MS = 1000;

/** Milliseconds left, or undefined when there is no telling yet. */
export function remainingMs(pace: ApplyPace): number | undefined {
  if (pace.actions <= 0) return undefined;
  const partial = pace.inFlight.reduce((sum, a) => sum + (a.expectedBytes ? Math.min(1, a.bytes / a.expectedBytes) : 0), 0);
  const done = Math.min(1, (pace.finished + partial) / pace.actions);
  if (done >= 1) return 0;
  if (done <= 0 || pace.elapsedMs < MIN_ELAPSED_MS) return undefined;
  return (pace.elapsedMs * (1 - done)) / done;
}
