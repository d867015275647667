/**
 * Taking the ledger lock, with `--lock-timeout`: while another run holds it, look again with
 * backoff (core/lock-wait.ts) until it is free or the time is up, then fail with the usual
 * LEDGER_LOCKED problem, which says how long was waited. Waiting is announced once, naming the
 * holder, so an operator (or a test) sees why nothing happens. An interrupt ends the wait at
 * once with INTERRUPTED; a lock taken as the interrupt arrives is released again, so nothing
 * is left behind.
 */
import { formatDuration } from '../core/duration.js';
import { nextLockPoll } from '../core/lock-wait.js';
import { isProblemError, ProblemError, problem } from '../core/problem.js';
import type { EventSink, LedgerLock, LedgerStore } from './ports.js';

export interface LockWait {
  /** 0: fail at once, as without the option. */
  readonly timeoutMs: number;
}

export interface LockWaitTimers {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const systemLockTimers: LockWaitTimers = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

export async function lockLedger(
  store: LedgerStore,
  operation: string,
  options: { wait?: LockWait; signal?: AbortSignal; events: EventSink; timers?: LockWaitTimers },
): Promise<LedgerLock> {
  const timeoutMs = options.wait?.timeoutMs ?? 0;
  const timers = options.timers ?? systemLockTimers;
  const { signal } = options;
  const started = timers.now();
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw interrupted();
    let lock: LedgerLock;
    try {
      lock = await store.lock(operation);
    } catch (error) {
      if (!isProblemError(error) || error.code !== 'LEDGER_LOCKED' || timeoutMs === 0) throw error;
      const delay = nextLockPoll(attempt, timers.now() - started, timeoutMs);
      if (delay === null) throw waitedProblem(error, timeoutMs);
      if (attempt === 1) {
        const holder = await store.readLock().catch(() => null);
        const who = holder ? ` by ${holder.who} (process ${holder.pid}, ${holder.operation} since ${holder.created}, lock ${holder.id})` : '';
        options.events({ type: 'warning', message: `The ledger is locked${who}; waiting up to ${formatDuration(timeoutMs)} for it (--lock-timeout).` });
      }
      await timers.sleep(delay, signal);
      continue;
    }
    if (signal?.aborted) {
      await lock.release();
      throw interrupted();
    }
    return lock;
  }
}

function waitedProblem(error: ProblemError, timeoutMs: number): ProblemError {
  return new ProblemError(
    error.problems.map((p) => (p.code === 'LEDGER_LOCKED' ? { ...p, title: `${p.title}; waited ${formatDuration(timeoutMs)}` } : p)),
    { cause: error },
  );
}

function interrupted(): ProblemError {
  return new ProblemError(problem('INTERRUPTED', 'Interrupted while waiting for the ledger lock', 'Nothing was changed, and no lock was taken.'));
}
