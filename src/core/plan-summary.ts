/**
 * The one counting of what a plan or an apply changes, in Terraform's resource terms, used by
 * every output: the plan JSON's `summary`, the line `Plan: X to add, Y to change, Z to destroy.`,
 * the Markdown table's heading and apply's `Resources: X added, Y changed, Z destroyed.` A
 * replacement counts as one added and one destroyed; the ledger upload (status.xml) is a change;
 * removing a leftover temporary file or an orphan is a destruction. So `summary.change` is the
 * "N to change" of the text (issue 23: a GitLab widget read 1 where the text said 2).
 * Actions are counted separately, one per planned action including the ledger upload: the
 * progress "3/5 actions" and the run line "5 done" count those.
 */
import type { ActionKind } from './plan.js';
import type { PlannedAction, PlanSummary } from './plan.js';

/** Resources added, changed and destroyed by actions of these kinds (one entry per action). */
export function countResources(kinds: readonly ActionKind[]): Omit<PlanSummary, 'publish_ledger'> {
  const count = (...of: ActionKind[]) => kinds.filter((k) => of.includes(k)).length;
  return {
    add: count('create', 'replace'),
    change: count('update', 'publish_ledger'),
    destroy: count('delete', 'replace', 'remove_orphan', 'remove_temp'),
  };
}

export function summarisePlan(actions: readonly PlannedAction[]): PlanSummary {
  return { ...countResources(actions.map((a) => a.kind)), publish_ledger: actions.some((a) => a.kind === 'publish_ledger') };
}

/**
 * The summary as aktin-sftp 0.1.0 wrote it before the counting was one (the ledger upload and
 * temporary files counted in none): a plan saved by it, still waiting for its apply, stays valid.
 */
export function legacySummary(actions: readonly PlannedAction[]): PlanSummary {
  const kinds = actions.map((a) => a.kind);
  const count = (...of: ActionKind[]) => kinds.filter((k) => of.includes(k)).length;
  return { add: count('create', 'replace'), change: count('update'), destroy: count('delete', 'replace', 'remove_orphan'), publish_ledger: kinds.includes('publish_ledger') };
}
