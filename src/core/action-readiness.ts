/**
 * Just before an action runs, the applier compares the world with what the plan expected
 * (compare-and-swap), so a change made meanwhile by someone else is never overwritten or
 * removed. It also recognises actions a previous, interrupted apply of the same plan already
 * finished (they are skipped) or had started (their precondition is relaxed: the remote file
 * may already be in its new state).
 */
import { expectationHolds } from './plan-freshness.js';
import type { Ledger, RemoteFile } from './model.js';
import type { PlannedAction } from './plan.js';

export type Readiness = 'done' | 'ready' | 'conflict';

export function actionReadiness(action: PlannedAction, ledger: Ledger, remote: RemoteFile | null, planId: string): Readiness {
  if (isDone(action, ledger, remote, planId)) return 'done';
  const startedByThisPlan = ledger.plan === planId && (ledger.pending ?? []).includes(action.address);
  if (startedByThisPlan) return 'ready';
  if (expectationHolds(action.precondition.remote, remote)) return 'ready';
  // A file that is already gone needs no removal: only the ledger has to catch up.
  if (isRemoval(action) && remote === null) return 'ready';
  return 'conflict';
}

function isDone(action: PlannedAction, ledger: Ledger, remote: RemoteFile | null, planId: string): boolean {
  const entry = action.request_id === null ? undefined : ledger.entries.find((e) => e.id === action.request_id);
  const pending = (ledger.pending ?? []).includes(action.address);
  switch (action.kind) {
    case 'create':
    case 'update':
    case 'replace':
      return entry?.plan === planId && entry.deleted === undefined && !pending;
    case 'delete':
      return entry?.plan === planId && entry.deleted !== undefined && !pending;
    case 'remove_temp':
    case 'remove_orphan':
      return remote === null;
    case 'publish_ledger':
      return false;
  }
}

function isRemoval(action: PlannedAction): boolean {
  return action.kind === 'delete' || action.kind === 'remove_temp' || action.kind === 'remove_orphan';
}
