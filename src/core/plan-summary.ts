/**
 * Terraform's counting rule for the summary line `Plan: X to add, Y to change, Z to destroy.`:
 * a replacement counts as one added and one destroyed, the ledger upload as a change, removing a
 * leftover temporary file as a destruction (so a plan with only those never reads "0 to add,
 * 0 to change, 0 to destroy"). The plan's JSON `summary` holds exactly these counts: the line,
 * the Markdown and CI widgets that read the JSON (GitLab's Terraform report) show one number.
 */
import type { PlannedAction, PlanSummary } from './plan.js';

export function summarisePlan(actions: readonly PlannedAction[]): PlanSummary {
  const count = (...kinds: PlannedAction['kind'][]) => actions.filter((a) => kinds.includes(a.kind)).length;
  return {
    add: count('create', 'replace'),
    change: count('update', 'publish_ledger'),
    destroy: count('delete', 'replace', 'remove_orphan', 'remove_temp'),
    publish_ledger: count('publish_ledger') > 0,
  };
}
