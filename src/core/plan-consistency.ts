/**
 * Checks of a decoded plan that a JSON schema cannot express. Pure; the plan-file adapter runs
 * them after the schema, so a hand-edited plan is refused before anyone approves or applies it.
 */
import type { Plan } from './plan.js';
import { summarisePlan } from './plan-summary.js';
import { problem, type Problem } from './problem.js';

/**
 * What the schema cannot say: the summary is the count of the actions (a hand-edited summary
 * would mislead whoever approves the plan), and the ledger upload, if any, comes once and last.
 */
export function checkPlanConsistency(plan: Plan, source: string): Problem[] {
  const problems: Problem[] = [];
  const want = summarisePlan(plan.actions);
  const { add, change, destroy, publish_ledger } = plan.summary;
  if (add !== want.add || change !== want.change || destroy !== want.destroy || publish_ledger !== want.publish_ledger) {
    problems.push(
      problem(
        'PLAN_INVALID',
        `${source}: the summary does not match the actions`,
        `The actions make ${JSON.stringify(want)}, the summary says ${JSON.stringify(plan.summary)}.`,
        'Do not edit saved plans; make a new one.',
      ),
    );
  }
  const publishes = plan.actions.flatMap((a, i) => (a.kind === 'publish_ledger' ? [i] : []));
  if (publishes.length > 1 || (publishes.length === 1 && publishes[0] !== plan.actions.length - 1)) {
    problems.push(
      problem(
        'PLAN_INVALID',
        `${source}: the ledger upload must be the last action, and only one`,
        `Found publish_ledger at action(s) ${publishes.join(', ')} of ${plan.actions.length}.`,
        'Do not edit saved plans; make a new one.',
      ),
    );
  }
  return problems;
}
