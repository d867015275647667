/**
 * Terraform's counting rule for the summary line `Plan: X to add, Y to change, Z to destroy.`:
 * a replacement counts as one added and one destroyed. Removing leftover temporary files is
 * housekeeping and counts in none; the ledger upload is reported on its own.
 */
import type { PlannedAction, PlanSummary } from './plan.js';

export function summarisePlan(actions: readonly PlannedAction[]): PlanSummary {
  const count = (...kinds: PlannedAction['kind'][]) => actions.filter((a) => kinds.includes(a.kind)).length;
  return {
    add: count('create', 'replace'),
    change: count('update'),
    destroy: count('delete', 'replace', 'remove_orphan'),
    publish_ledger: count('publish_ledger') > 0,
  };
}
