/**
 * One cycle of `aktin-sftp watch`: plan and apply at once for every tagged request or for the
 * requests events named (a targeted plan), under the same lock, planner and applier as
 * `apply --auto-approve`. A cycle that meets the lock of a cron run fails with LEDGER_LOCKED
 * and the loop retries it later: the two never write at the same time.
 */
import type { RequestId } from '../core/model.js';
import type { PlanOptions } from '../core/plan.js';
import type { PlanIdentity } from '../core/plan-freshness.js';
import { ProblemError } from '../core/problem.js';
import type { CycleResult } from '../core/watch-cycle.js';
import { applyChanges } from './apply-changes.js';
import { countDone } from './apply-plan.js';
import type { LockWait } from './ledger-lock-wait.js';
import type { World } from './ports.js';
import type { CycleContext } from './watch-loop.js';

export interface ReconcileRequest {
  readonly identity: PlanIdentity;
  /** The safety options of every cycle (deletion cap, mass-delete override, orphans). */
  readonly options: Omit<PlanOptions, 'only'>;
  readonly concurrency: number;
  /** Bundles fetched ahead of their uploads: [BROKER] CONCURRENCY. */
  readonly exportsAhead?: number;
  /** --lock-timeout: how long a cycle waits for a lock a cron run holds before it fails (and is retried). */
  readonly lockWait?: LockWait;
}

export function reconcilerFor(world: World, request: ReconcileRequest) {
  return async (scope: RequestId[] | 'all', context: CycleContext): Promise<CycleResult> => {
    const { report } = await applyChanges(world, {
      identity: request.identity,
      source: { options: scope === 'all' ? request.options : { ...request.options, only: scope }, approve: async () => true },
      concurrency: request.concurrency,
      ...(request.exportsAhead === undefined ? {} : { exportsAhead: request.exportsAhead }),
      signal: context.signal,
      ...(request.lockWait ? { lockWait: request.lockWait } : {}),
    });
    if (report === null) return { actions: {}, bytes: 0 };
    // A cycle whose actions failed is a failed cycle: the loop retries it with backoff.
    if (report.failed.length > 0) throw new ProblemError(report.failed.map((f) => f.problem));
    const { byKind, bytes } = countDone(report);
    return { actions: byKind, bytes };
  };
}
