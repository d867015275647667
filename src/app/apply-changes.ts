/**
 * The apply use case, for a saved plan and for plan-and-apply (`--auto-approve`, the cron job):
 * the ledger lock for the whole run, the key before any connection (a bad key touches nothing),
 * one observation under the lock, then exactly the plan's actions (apply-plan.ts).
 * The lock is released on every path out, including failures and interrupts.
 */
import { hasChanges, type Plan, type PlanOptions } from '../core/plan.js';
import { checkPlanIdentity, checkPlanSealing, planEncryptionOf, type PlanIdentity } from '../core/plan-freshness.js';
import { ProblemError, problem } from '../core/problem.js';
import { applyPlan, type ApplyReport } from './apply-plan.js';
import { planFromObservation, warnOfObstacles } from './make-plan.js';
import { lockLedger, type LockWait } from './ledger-lock-wait.js';
import { observe } from './observe.js';
import type { World } from './ports.js';

export type PlanSource =
  /** A plan saved by `plan -o`: applying it is the approval. */
  | { readonly saved: Plan; readonly file: string }
  /** Plan now; `approve` sees the plan (and may show it) before anything changes. */
  | { readonly options: PlanOptions; readonly approve: (plan: Plan) => Promise<boolean> };

export interface ApplyRequest {
  readonly identity: PlanIdentity;
  readonly source: PlanSource;
  readonly concurrency: number;
  /** Bundles fetched ahead of their uploads: [BROKER] CONCURRENCY (apply-plan.ts). */
  readonly exportsAhead?: number;
  /** Aborted on SIGINT/SIGTERM: no new action starts, the ones in flight finish. */
  readonly signal?: AbortSignal;
  /** How long to wait for a lock another run holds (--lock-timeout); without it, fail at once. */
  readonly lockWait?: LockWait;
}

export interface ApplyOutcome {
  readonly plan: Plan;
  /** null when a fresh plan had nothing to do. */
  readonly report: ApplyReport | null;
}

export async function applyChanges(world: World, request: ApplyRequest): Promise<ApplyOutcome> {
  const { source } = request;
  if ('saved' in source) {
    const problems = checkPlanIdentity(source.saved, request.identity, source.file);
    if (problems.length > 0) throw new ProblemError(problems);
  }
  const lock = await lockLedger(world.ledgerStore, 'apply', {
    events: world.events,
    ...(request.lockWait ? { wait: request.lockWait } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
  });
  try {
    const encryptor = await world.loadEncryptor();
    const encryption = planEncryptionOf(encryptor);
    if ('saved' in source) {
      const problems = checkPlanSealing(source.saved, encryption, source.file);
      if (problems.length > 0) throw new ProblemError(problems);
    }
    const connection = await world.connect();
    try {
      const only = 'saved' in source ? source.saved.options.only : source.options.only;
      const observation = await observe({ ...connection, ledgerStore: world.ledgerStore }, request.identity.tag, only);
      const plan = 'saved' in source ? source.saved : planFromObservation(world, observation, { identity: request.identity, options: source.options }, encryption);
      warnOfObstacles(world, observation, request.identity.folder);
      if (!('saved' in source)) {
        if (!hasChanges(plan)) return { plan, report: null };
        if (!(await source.approve(plan))) throw new ProblemError(problem('CONFIRMATION_REQUIRED', 'Apply cancelled', 'Nothing was changed.'));
      }
      const report = await applyPlan(
        { ...connection, ledgerStore: world.ledgerStore, clock: world.clock, encryptor, events: world.events, ...(request.signal ? { signal: request.signal } : {}) },
        plan,
        { concurrency: request.concurrency, observation, ...('saved' in source ? { planFile: source.file } : { planMadeNow: true }), ...(request.exportsAhead === undefined ? {} : { exportsAhead: request.exportsAhead }) },
      );
      return { plan, report };
    } finally {
      await connection.close();
    }
  } finally {
    await lock.release();
  }
}
