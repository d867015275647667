/**
 * When a run that meets a held ledger lock looks again (`--lock-timeout`): after 100 ms, then
 * doubling up to 5 s between looks, and a last look exactly at the deadline, so a lock freed
 * late in the wait is still taken and the wait never overruns the timeout. Pure.
 */
const FIRST_MS = 100;
const MAX_MS = 5000;

/** Milliseconds until the next look, or null: the time is up. `attempt` counts looks so far (≥ 1). */
export function nextLockPoll(attempt: number, waitedMs: number, timeoutMs: number): number | null {
  const left = timeoutMs - waitedMs;
  if (left <= 0) return null;
  return Math.min(FIRST_MS * 2 ** Math.min(attempt - 1, 16), MAX_MS, left);
}
