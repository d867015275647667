/**
 * When a run that meets a held ledger lock looks again (`--lock-timeout`): after 100 ms, then
 * doubling up to 5 s between looks (the one backoff formula, without jitter: the holder, not a
 * crowd, decides when the lock is free), and a last look exactly at the deadline, so a lock freed
 * late in the wait is still taken and the wait never overruns the timeout. Pure.
 */
import { backoffDelay, type Backoff } from './backoff.js';

const LOCK_POLL: Backoff = { firstMs: 100, maxMs: 5000, jitter: 0 };

/** Milliseconds until the next look, or null: the time is up. `attempt` counts looks so far (≥ 1). */
export function nextLockPoll(attempt: number, waitedMs: number, timeoutMs: number): number | null {
  const left = timeoutMs - waitedMs;
  if (left <= 0) return null;
  return Math.min(backoffDelay(attempt - 1, LOCK_POLL, 0), left);
}
