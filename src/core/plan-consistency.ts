/**
 * Checks of a decoded plan that a JSON schema cannot express. Pure; the plan-file adapter runs
 * them after the schema, so a hand-edited plan is refused before anyone approves or applies it.
 */
import { isUpload } from './action-kinds.js';
import type { Plan, PlannedAction } from './plan.js';
import { legacySummary, summarisePlan } from './plan-summary.js';
import { problem, type Problem } from './problem.js';
import { LEDGER_FILE_NAME, isTempFileName, requestIdOfExportFile, schemeOfExportFile } from './remote-names.js';

const DO_NOT_EDIT = 'Do not edit saved plans; make a new one.';

/**
 * What the schema cannot say: every action's address, kind and request id agree (an upload of
 * request 2 cannot be aimed at export_0.zip, a temp-file removal at a real export), no file is
 * acted on twice, the summary is the count of the actions (a hand-edited summary would mislead
 * whoever approves the plan), and the ledger upload, if any, comes once and last.
 */
export function checkPlanConsistency(plan: Plan, source: string): Problem[] {
  const problems: Problem[] = plan.actions.flatMap((action, i) => {
    const why = addressMismatch(action) ?? schemeMismatch(plan, action);
    return why === null
      ? []
      : [problem('PLAN_INVALID', `${source}: action ${i} (${action.kind} of ${action.address}) is not one aktin-sftp makes`, `${why}.`, DO_NOT_EDIT)];
  });
  const seen = new Set<string>();
  for (const action of plan.actions) {
    if (seen.has(action.address)) {
      problems.push(problem('PLAN_INVALID', `${source}: ${action.address} is acted on twice`, 'A plan has at most one action per remote file.', DO_NOT_EDIT));
    }
    seen.add(action.address);
  }
  const want = summarisePlan(plan.actions);
  const same = (a: typeof want) => a.add === plan.summary.add && a.change === plan.summary.change && a.destroy === plan.summary.destroy && a.publish_ledger === plan.summary.publish_ledger;
  if (!same(want) && !same(legacySummary(plan.actions))) {
    problems.push(
      problem(
        'PLAN_INVALID',
        `${source}: the summary does not match the actions`,
        `The actions make ${JSON.stringify(want)}, the summary says ${JSON.stringify(plan.summary)}.`,
        DO_NOT_EDIT,
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
        DO_NOT_EDIT,
      ),
    );
  }
  return problems;
}

/** An upload writes the name of the plan's scheme: a file named for another scheme would not hold what its name says. */
function schemeMismatch(plan: Plan, action: PlannedAction): string | null {
  if (!isUpload(action)) return null;
  const scheme = plan.encryption?.scheme ?? 'fernet';
  return schemeOfExportFile(action.address) === scheme ? null : `the plan seals with ${scheme}, whose files are not named like ${action.address}`;
}

/** Why the action's address, request id and sides do not fit its kind; null when they do. */
function addressMismatch(action: PlannedAction): string | null {
  const id = requestIdOfExportFile(action.address);
  switch (action.kind) {
    case 'create':
    case 'update':
    case 'replace':
    case 'delete':
    case 'remove_orphan':
      if (id === null) return `${action.kind} works on export files (export_<id>.zip, .zip.age, .zip.c4gh), not on ${action.address}`;
      if (id !== action.request_id) return `${action.address} belongs to request ${id}, the action names request ${String(action.request_id)}`;
      if (isUpload(action) !== (action.after !== null)) return isUpload(action) ? 'an upload must say what it records (after)' : `a ${action.kind} records nothing (after must be null)`;
      if (action.kind === 'remove_orphan' && action.before !== null) return 'an orphan has no ledger entry (before must be null)';
      return null;
    case 'remove_temp':
      if (!isTempFileName(action.address)) return `remove_temp removes only temporary upload files (.<name>.<plan>.part), not ${action.address}`;
      return action.request_id === null && action.before === null && action.after === null ? null : 'a temporary file belongs to no request';
    case 'publish_ledger':
      if (action.address !== LEDGER_FILE_NAME) return `the ledger is published as ${LEDGER_FILE_NAME}, not as ${action.address}`;
      return action.request_id === null && action.before === null && action.after === null ? null : 'the ledger upload belongs to no request';
  }
}
