/**
 * Just before an action runs, the applier compares the world with what the plan expected
 * (compare-and-swap), so a change made meanwhile by someone else is never overwritten or
 * removed. It also recognises actions a previous, interrupted apply of the same plan already
 * finished (they are skipped) or had started (their precondition is relaxed: the remote file
 * may already be in its new state).
 */
import { isCleanup, isPublish, isUpload, removesFile } from './action-kinds.js';
import { expectationHolds } from './plan-freshness.js';
import type { LedgerView } from './ledger-transitions.js';
import type { RemoteFile } from './model.js';
import type { PlannedAction } from './plan.js';

export type Readiness = 'done' | 'ready' | 'conflict';

export function actionReadiness(action: PlannedAction, ledger: LedgerView, remote: RemoteFile | null, planId: string): Readiness {
  if (isDone(action, ledger, remote, planId)) return 'done';
  const startedByThisPlan = ledger.plan === planId && (ledger.pending ?? []).includes(action.address);
  if (startedByThisPlan) return 'ready';
  if (expectationHolds(action.precondition.remote, remote)) return 'ready';
  // A file that is already gone needs no removal: only the ledger has to catch up.
  if (removesFile(action) && remote === null) return 'ready';
  return 'conflict';
}

function isDone(action: PlannedAction, ledger: LedgerView, remote: RemoteFile | null, planId: string): boolean {
  if (isPublish(action)) return false;
  if (isCleanup(action) || action.kind === 'remove_orphan') return remote === null;
  const entry = ledger.entry(action.request_id);
  const pending = (ledger.pending ?? []).includes(action.address);
  const recordedByThisPlan = entry?.plan === planId && !pending;
  return recordedByThisPlan && (isUpload(action) ? entry.deleted === undefined : entry.deleted !== undefined);
}
