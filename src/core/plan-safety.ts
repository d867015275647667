/**
 * Two separate guards against mass deletion (the original's B2), neither lifting the other:
 * - a broker that suddenly lists nothing — a wrong tag, a changed definition type, an outage
 *   answering with an empty list — must not wipe the SFTP folder; only `--allow-mass-delete`
 *   lifts this one;
 * - deletions above the cap (`[APPLY] MAX_DELETE`, `--max-delete`) are refused; only a higher
 *   cap lifts it. `--max-delete 0 --allow-mass-delete` once deleted 6 files: a cap the operator
 *   set is never waived by the other guard's switch.
 */
import { isRemoval } from './action-kinds.js';
import type { BrokerSnapshot } from './model.js';
import type { Plan, PlannedAction, PlanOptions } from './plan.js';
import { problem, type Problem } from './problem.js';

export function checkDeleteSafety(actions: readonly PlannedAction[], snapshot: BrokerSnapshot, options: PlanOptions): Problem[] {
  const deletions = actions.filter(deletesRequestFile);
  if (deletions.length === 0) return [];
  const ids = deletions.map((a) => a.request_id).join(', ');
  const problems: Problem[] = [];
  if (!options.allow_mass_delete && (snapshot.listed ?? snapshot.requests.length) === 0) {
    problems.push(
      problem(
        'PLAN_DELETE_CAP',
        `Refusing to delete ${deletions.length} file(s): the broker lists no request tagged '${snapshot.tag}'`,
        `The plan would delete the files of request(s) ${ids}. An empty list usually means a wrong [REQUESTS] TAG, ` +
          'a changed request definition type, or a broker problem, not that every request was deleted.',
        'If this is really intended, plan again with --allow-mass-delete (a deletion cap still applies).',
      ),
    );
  }
  if (options.max_delete !== null && deletions.length > options.max_delete) {
    problems.push(
      problem(
        'PLAN_DELETE_CAP',
        `Refusing to delete ${deletions.length} files: more than the cap of ${options.max_delete}`,
        `The plan would delete the files of request(s) ${ids}. The cap is [APPLY] MAX_DELETE in the configuration, or --max-delete.`,
        `Check why the broker stopped listing these requests. If this is really intended, plan again with --max-delete ${deletions.length} (--allow-mass-delete does not lift the cap).`,
      ),
    );
  }
  return problems;
}

/** A superseded file goes only after its request's new file is in place: no request loses its file, so it is not counted. */
function deletesRequestFile(action: PlannedAction): boolean {
  return isRemoval(action) && action.reason !== 'superseded_file';
}

/**
 * `apply --max-delete N PLANFILE`: the plan's own options were fixed when it was made, so a cap
 * given at apply can only tighten them; a plan that deletes more is refused before anything runs.
 */
export function checkSavedPlanDeleteCap(plan: Pick<Plan, 'actions'>, maxDelete: number, file: string): Problem[] {
  const deletions = plan.actions.filter(deletesRequestFile);
  if (deletions.length <= maxDelete) return [];
  return [
    problem(
      'PLAN_DELETE_CAP',
      `Refusing to apply ${file}: it deletes ${deletions.length} file(s), more than --max-delete ${maxDelete}`,
      `The plan would delete the files of request(s) ${deletions.map((a) => a.request_id ?? a.address).join(', ')}. Nothing was changed.`,
      'Look at the plan (aktin-sftp show FILE); apply it without --max-delete if the deletions are intended, or make a new plan.'.replace('FILE', file),
    ),
  ];
}
